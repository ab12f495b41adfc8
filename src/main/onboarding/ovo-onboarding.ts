import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import {
  OVO_ONBOARDING_STEPS,
  OvoStepSchema,
  OvoStepStatusSchema,
  type OvoPartnerView,
  type OvoStep,
  type OvoStepStatus,
  type VaultItemSummary,
} from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import { readJsonFile, writeFileAtomic } from '../platform/atomic-file'
import { oneAtATime } from '../platform/one-at-a-time'
import type { Clock } from '../ports/clock'

const Day = z.iso.date()
const StoredLinkSchema = z.object({ itemId: z.string().min(1), name: z.string(), kind: z.enum(['key', 'credentials']) }).strict()
const StoredStepSchema = z
  .object({ status: OvoStepStatusSchema, startedOn: Day.optional(), doneOn: Day.optional(), note: z.string(), links: z.array(StoredLinkSchema) })
  .strict()
const StoredPartnerSchema = z
  .object({ id: z.uuid(), name: z.string().min(1), createdAt: z.iso.datetime(), steps: z.partialRecord(OvoStepSchema, StoredStepSchema) })
  .strict()
const OnboardingFileSchema = z.object({ version: z.literal(1), partners: z.array(StoredPartnerSchema) }).strict()

type StoredPartner = z.infer<typeof StoredPartnerSchema>
type StoredStep = z.infer<typeof StoredStepSchema>

export interface OvoStepPatch {
  status?: OvoStepStatus
  note?: string
  /** null clears the date. */
  startedOn?: string | null
  doneOn?: string | null
}

const EMPTY_STEP: StoredStep = { status: 'not-started', note: '', links: [] }

/** Today in WIB, where OVO's and the partner's teams work. */
const wibDay = (now: Date) => new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10)

/** Keys (whose public half went to OVO) and everything else a step may use: the credentials decrypted from OVO's files. */
const linkKind = (item: VaultItemSummary) => (item.type === 'private-key' || item.type === 'identity' ? 'key' : 'credentials')

/**
 * Seed 000's onboarding checklist per OVO partner, in `ovo-onboarding.json` in the data folder.
 * Steps link to vault items by id (with the name at linking time, so a deleted item is still
 * named); the file holds no secret.
 */
export function createOvoOnboarding(options: { dataDir: string; clock: Clock; vault: { list(): Promise<VaultItemSummary[]> } }) {
  const file = join(options.dataDir, 'ovo-onboarding.json')
  const exclusive = oneAtATime()

  async function load(): Promise<StoredPartner[]> {
    const stored = await readJsonFile(file)
    if (!stored) return []
    const parsed = OnboardingFileSchema.safeParse(stored.json)
    if (!parsed.success) throw new TekenError('ONBOARDING_FILE_INVALID', `${file} is not a Teken onboarding file; fix or move it aside (nothing was changed).`)
    return parsed.data.partners
  }

  async function view(partners: StoredPartner[]): Promise<OvoPartnerView[]> {
    const items = new Map((await options.vault.list()).map((item) => [item.id, item]))
    return partners.map((partner) => ({
      id: partner.id,
      name: partner.name,
      createdAt: partner.createdAt,
      steps: OVO_ONBOARDING_STEPS.map((step) => {
        const stored = partner.steps[step] ?? EMPTY_STEP
        return {
          step,
          status: stored.status,
          ...(stored.startedOn ? { startedOn: stored.startedOn } : {}),
          ...(stored.doneOn ? { doneOn: stored.doneOn } : {}),
          note: stored.note,
          links: stored.links.map((link) => {
            const item = items.get(link.itemId)
            return { ...link, name: item?.name ?? link.name, inVault: item !== undefined }
          }),
        }
      }),
    }))
  }

  /** Runs `change` on the stored partners, saves them, and answers with the new views. */
  const change = (run: (partners: StoredPartner[]) => StoredPartner[] | Promise<StoredPartner[]>) =>
    exclusive(async () => {
      const partners = await run(await load())
      await writeFileAtomic(file, `${JSON.stringify({ version: 1, partners }, null, 2)}\n`)
      return view(partners)
    })

  function partnerIn(partners: StoredPartner[], partnerId: string): StoredPartner {
    const partner = partners.find((candidate) => candidate.id === partnerId)
    if (!partner) throw new TekenError('ONBOARDING_PARTNER_NOT_FOUND', 'That OVO partner is not in the onboarding list (removed elsewhere?).')
    return partner
  }

  function checkNameFree(partners: StoredPartner[], name: string, except?: string): string {
    const trimmed = name.trim()
    if (partners.some((partner) => partner.id !== except && partner.name.toLowerCase() === trimmed.toLowerCase())) {
      throw new TekenError('ONBOARDING_PARTNER_EXISTS', `There already is an OVO partner named "${trimmed}".`, { name: trimmed })
    }
    return trimmed
  }

  const updateStep = (partnerId: string, step: OvoStep, update: (current: StoredStep) => StoredStep | Promise<StoredStep>) =>
    change(async (partners) => {
      const partner = partnerIn(partners, partnerId)
      partner.steps[step] = await update(partner.steps[step] ?? EMPTY_STEP)
      return partners
    })

  return {
    list: () => exclusive(async () => view(await load())),

    add: (name: string) => change((partners) => [...partners, { id: randomUUID(), name: checkNameFree(partners, name), createdAt: options.clock.now().toISOString(), steps: {} }]),

    rename: (partnerId: string, name: string) =>
      change((partners) => {
        partnerIn(partners, partnerId).name = checkNameFree(partners, name, partnerId)
        return partners
      }),

    remove: (partnerId: string) => change((partners) => partners.filter((partner) => partner.id !== partnerIn(partners, partnerId).id)),

    /** A status change dates itself (started when work begins, done when it ends) unless the patch gives the dates. */
    updateStep: (partnerId: string, step: OvoStep, patch: OvoStepPatch) =>
      updateStep(partnerId, step, (current) => {
        const today = wibDay(options.clock.now())
        const status = patch.status ?? current.status
        let { startedOn, doneOn } = current
        if (patch.status && patch.status !== current.status) {
          startedOn = status === 'not-started' ? undefined : (startedOn ?? today)
          doneOn = status === 'done' ? (doneOn ?? today) : undefined
        }
        if (patch.startedOn !== undefined) startedOn = patch.startedOn ?? undefined
        if (patch.doneOn !== undefined) doneOn = patch.doneOn ?? undefined
        return { status, note: patch.note ?? current.note, links: current.links, ...(startedOn ? { startedOn } : {}), ...(doneOn ? { doneOn } : {}) }
      }),

    link: (partnerId: string, step: OvoStep, itemId: string) =>
      updateStep(partnerId, step, async (current) => {
        const item = (await options.vault.list()).find((candidate) => candidate.id === itemId)
        if (!item) throw new TekenError('VAULT_ITEM_NOT_FOUND', 'That vault item does not exist (any more).', { ref: itemId })
        if (current.links.some((link) => link.itemId === itemId)) return current
        return { ...current, links: [...current.links, { itemId, name: item.name, kind: linkKind(item) }] }
      }),

    unlink: (partnerId: string, step: OvoStep, itemId: string) => updateStep(partnerId, step, (current) => ({ ...current, links: current.links.filter((link) => link.itemId !== itemId) })),
  }
}

export type OvoOnboarding = ReturnType<typeof createOvoOnboarding>
