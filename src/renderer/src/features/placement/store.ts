import { create } from 'zustand'
import type { SignatureBox } from '../../../../shared/contract'
import type { PdfRect } from '../../../../shared/pdf-types'

export interface Signer {
  id: string
  name: string
  color: string
}

/** A box being placed: what will be signed, plus who signs it and how a template will reuse it. */
export interface PlacedBox extends Omit<SignatureBox, 'rect'> {
  id: string
  signerId: string
  rect: PdfRect
  /** Which pages the box goes on when saved into a template: the page it is on, the last, or every page. */
  templatePage: 'this' | 'last' | 'every'
}

export interface PlacementState {
  signers: Signer[]
  boxes: PlacedBox[]
  selectedId?: string
  activeSignerId: string
  drawing: boolean
  setDrawing(drawing: boolean): void
  addSigner(name: string): void
  setActiveSigner(id: string): void
  addBox(pageNumber: number, rect: PdfRect): PlacedBox
  updateBox(id: string, patch: Partial<Omit<PlacedBox, 'id'>>): void
  removeBox(id: string): void
  select(id: string | undefined): void
  replaceBoxes(boxes: Omit<PlacedBox, 'id' | 'signerId'>[], signerNames: (string | undefined)[]): void
  clear(): void
}

/** Colour-blind-safe (Okabe–Ito) colours, one per signer. */
const SIGNER_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9']

let nextId = 1
const newId = (prefix: string) => `${prefix}-${nextId++}`

/** Signature boxes, always in PDF user space; the viewer maps them to pixels for display only. */
export const createPlacementStore = () =>
  create<PlacementState>()((set, get) => ({
    signers: [{ id: 'signer-1', name: 'Penanda tangan 1', color: SIGNER_COLORS[0]! }],
    boxes: [],
    activeSignerId: 'signer-1',
    drawing: false,
    setDrawing: (drawing) => set({ drawing }),
    addSigner(name) {
      const signers = get().signers
      const signer = { id: newId('signer'), name, color: SIGNER_COLORS[signers.length % SIGNER_COLORS.length]! }
      set({ signers: [...signers, signer], activeSignerId: signer.id })
    },
    setActiveSigner: (activeSignerId) => set({ activeSignerId }),
    addBox(pageNumber, rect) {
      const box: PlacedBox = { id: newId('box'), signerId: get().activeSignerId, pageNumber, rect, visible: true, reason: '', location: '', certificationLevel: 'NOT_CERTIFIED', templatePage: 'this' }
      set({ boxes: [...get().boxes, box], selectedId: box.id })
      return box
    },
    updateBox: (id, patch) => set({ boxes: get().boxes.map((box) => (box.id === id ? { ...box, ...patch } : box)) }),
    removeBox: (id) => set({ boxes: get().boxes.filter((box) => box.id !== id), selectedId: get().selectedId === id ? undefined : get().selectedId }),
    select: (selectedId) => set({ selectedId }),
    /** Boxes from a template: each signer label finds the signer of that name, or becomes a new one. */
    replaceBoxes(boxes, signerNames) {
      const signerIds = signerNames.map((name) => {
        if (!name) return get().activeSignerId
        const existing = get().signers.find((signer) => signer.name === name)
        if (existing) return existing.id
        get().addSigner(name)
        return get().activeSignerId
      })
      set({ boxes: boxes.map((box, index) => ({ ...box, id: newId('box'), signerId: signerIds[index]! })), selectedId: undefined })
    },
    clear: () => set({ boxes: [], selectedId: undefined }),
  }))
