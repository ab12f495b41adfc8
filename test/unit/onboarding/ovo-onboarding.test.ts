import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createOvoOnboarding } from '../../../src/main/onboarding/ovo-onboarding'
import { systemClock } from '../../../src/main/ports/clock'
import { OVO_ONBOARDING_STEPS, type OvoPartnerView, type VaultItemSummary } from '../../../src/shared/contract'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'
import { expectRejectedTekenError } from '../../support/teken-error'
import { createManualClock } from '../peruri/support'

const item = (id: string, name: string, type: VaultItemSummary['type']): VaultItemSummary => ({ id, name, type, tags: ['ovo'], createdAt: '2026-03-01T00:00:00.000Z' })

describe('OVO onboarding checklist (file in the data folder)', () => {
  let dataDir: string
  let items: VaultItemSummary[]
  let clock: ReturnType<typeof createManualClock>
  const open = () => createOvoOnboarding({ dataDir, clock, vault: { list: async () => items } })
  const file = () => join(dataDir, 'ovo-onboarding.json')

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-ovo-'))
    // 2026-03-09 20:00 UTC is already 10 March in WIB.
    clock = createManualClock(new Date('2026-03-09T20:00:00Z'))
    items = [item('k1', 'ovo-staging-key', 'private-key'), item('c1', 'ovo-staging-credentials', 'partner-profile')]
  })
  afterEach(() => rm(dataDir, { recursive: true, force: true }))

  it("starts every partner on seed 000's five steps, in order, not started", async () => {
    const [partner] = await open().add('  Toko Maju ')
    expect(partner).toMatchObject({ name: 'Toko Maju', createdAt: '2026-03-09T20:00:00.000Z' })
    expect(partner!.steps.map((step) => step.step)).toEqual(['staging-registration', 'bi-submission-testing', 'uat-testing', 'uat-review', 'production-registration'])
    expect(partner!.steps.every((step) => step.status === 'not-started' && step.note === '' && step.links.length === 0 && !step.startedOn && !step.doneOn)).toBe(true)
  })

  it('persists status, WIB dates, notes and vault links, and a fresh instance reads them back', async () => {
    const onboarding = open()
    const [{ id }] = (await onboarding.add('Toko Maju')) as [OvoPartnerView]
    await onboarding.updateStep(id, 'staging-registration', { status: 'in-progress', note: 'public key sent to PIS' })
    await onboarding.link(id, 'staging-registration', 'k1')
    await onboarding.link(id, 'staging-registration', 'c1')
    await onboarding.link(id, 'staging-registration', 'k1')
    clock.advance(2 * 86_400_000)
    await onboarding.updateStep(id, 'staging-registration', { status: 'done' })
    await onboarding.updateStep(id, 'uat-testing', { status: 'blocked', startedOn: '2026-03-01' })

    const [reloaded] = await open().list()
    expect(reloaded!.steps[0]).toEqual({
      step: 'staging-registration',
      status: 'done',
      startedOn: '2026-03-10',
      doneOn: '2026-03-12',
      note: 'public key sent to PIS',
      links: [
        { itemId: 'k1', name: 'ovo-staging-key', kind: 'key', inVault: true },
        { itemId: 'c1', name: 'ovo-staging-credentials', kind: 'credentials', inVault: true },
      ],
    })
    expect(reloaded!.steps[2]).toMatchObject({ step: 'uat-testing', status: 'blocked', startedOn: '2026-03-01' })
    expect(reloaded!.steps[2]!.doneOn).toBeUndefined()
    expect((await stat(file())).mode & 0o777).toBe(0o600)
    // Names and ids only: the file holds no secret, just what the checklist shows.
    expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ version: 1, partners: [{ id, name: 'Toko Maju' }] })
  })

  it('going back to "not started" clears the dates; explicit dates and null win over the automatic ones', async () => {
    const onboarding = open()
    const [{ id }] = (await onboarding.add('Toko Maju')) as [OvoPartnerView]
    await onboarding.updateStep(id, 'uat-review', { status: 'done' })
    let [partner] = await onboarding.updateStep(id, 'uat-review', { status: 'not-started' })
    expect(partner!.steps[3]).toMatchObject({ status: 'not-started' })
    expect(partner!.steps[3]!.startedOn).toBeUndefined()
    ;[partner] = await onboarding.updateStep(id, 'uat-review', { status: 'done', doneOn: '2026-04-01' })
    expect(partner!.steps[3]).toMatchObject({ startedOn: '2026-03-10', doneOn: '2026-04-01' })
    ;[partner] = await onboarding.updateStep(id, 'uat-review', { startedOn: null })
    expect(partner!.steps[3]!.startedOn).toBeUndefined()
  })

  it('renames and removes partners, refusing a second partner of the same name', async () => {
    const onboarding = open()
    const [first] = await onboarding.add('Toko Maju')
    const [, second] = await onboarding.add('Warung Sejahtera')
    await expectRejectedTekenError(onboarding.add('toko maju'), 'ONBOARDING_PARTNER_EXISTS', /already is an OVO partner named "toko maju"/)
    await expectRejectedTekenError(onboarding.rename(second!.id, 'TOKO MAJU'), 'ONBOARDING_PARTNER_EXISTS')
    expect((await onboarding.rename(first!.id, 'Toko Maju Jaya')).map((partner) => partner.name)).toEqual(['Toko Maju Jaya', 'Warung Sejahtera'])
    expect((await onboarding.remove(first!.id)).map((partner) => partner.name)).toEqual(['Warung Sejahtera'])
    await expectRejectedTekenError(onboarding.remove(first!.id), 'ONBOARDING_PARTNER_NOT_FOUND')
    expect((await open().list()).map((partner) => partner.name)).toEqual(['Warung Sejahtera'])
  })

  it('links only items that exist, and still names an item that left the vault', async () => {
    const onboarding = open()
    const [{ id }] = (await onboarding.add('Toko Maju')) as [OvoPartnerView]
    await expectRejectedTekenError(onboarding.link(id, 'production-registration', 'nope'), 'VAULT_ITEM_NOT_FOUND')
    await onboarding.link(id, 'production-registration', 'k1')
    items = items.filter((entry) => entry.id !== 'k1')
    const [partner] = await onboarding.list()
    expect(partner!.steps[4]!.links).toEqual([{ itemId: 'k1', name: 'ovo-staging-key', kind: 'key', inVault: false }])
    expect((await onboarding.unlink(id, 'production-registration', 'k1'))[0]!.steps[4]!.links).toEqual([])
  })

  it('keeps every change when many arrive at once', async () => {
    const onboarding = open()
    const [{ id }] = (await onboarding.add('Toko Maju')) as [OvoPartnerView]
    await Promise.all(OVO_ONBOARDING_STEPS.map((step, index) => onboarding.updateStep(id, step, { note: `note ${index}` })))
    expect((await open().list())[0]!.steps.map((step) => step.note)).toEqual(['note 0', 'note 1', 'note 2', 'note 3', 'note 4'])
  })

  it('refuses a damaged or foreign file without touching it', async () => {
    for (const text of ['{ not json', JSON.stringify({ version: 2, partners: [] }), JSON.stringify({ version: 1, partners: [{ id: 'x', name: 'A', createdAt: 'y', steps: {} }] })]) {
      await writeFile(file(), text)
      await expectRejectedTekenError(open().list(), 'ONBOARDING_FILE_INVALID', /is not a Teken onboarding file/)
      await expectRejectedTekenError(open().add('Toko Maju'), 'ONBOARDING_FILE_INVALID')
      expect(await readFile(file(), 'utf8')).toBe(text)
    }
  })
})

describe('OVO onboarding channels through the router of a real core', () => {
  let testCore: TestCore
  const { call, value } = routerCalls(() => testCore)

  beforeAll(async () => {
    testCore = await createTestCore()
  })
  afterAll(() => testCore.dispose())

  it('adds a partner, advances a step, links a real vault key, and a new core reads it back', async () => {
    const key = await value<{ id: string }>('generateKey', { name: 'ovo-snap-key', bits: 2048, tags: ['ovo'] })
    const { partners } = await value<{ partners: OvoPartnerView[] }>('addOvoPartner', { name: 'Toko Maju' })
    const partnerId = partners[0]!.id
    await value('updateOvoStep', { partnerId, step: 'staging-registration', status: 'in-progress', note: 'id_rsa.pub.pem sent' })
    await value('linkOvoStepItem', { partnerId, step: 'staging-registration', itemId: key.id })

    // A fresh module on the same data folder and vault, as after a restart: only the file and the vault carry it over.
    const restarted = createOvoOnboarding({ dataDir: testCore.dataDir, clock: systemClock, vault: testCore.core.services.vault })
    const [partner] = await restarted.list()
    expect(partner!.steps[0]).toMatchObject({ status: 'in-progress', note: 'id_rsa.pub.pem sent', links: [{ itemId: key.id, name: 'ovo-snap-key', kind: 'key', inVault: true }] })
  })

  it('refuses bad input before it reaches the file', async () => {
    const { partners } = await value<{ partners: OvoPartnerView[] }>('listOvoPartners')
    const partnerId = partners[0]!.id
    for (const [method, request] of [
      ['addOvoPartner', { name: '   ' }],
      ['addOvoPartner', { name: 'x'.repeat(81) }],
      ['addOvoPartner', { name: 'A', extra: true }],
      ['updateOvoStep', { partnerId, step: 'go-live', status: 'done' }],
      ['updateOvoStep', { partnerId, step: 'uat-testing', status: 'finished' }],
      ['updateOvoStep', { partnerId, step: 'uat-testing', startedOn: '10/03/2026' }],
      ['renameOvoPartner', { partnerId: 'not-a-uuid', name: 'B' }],
    ] as const) {
      expect(await call(method, request), `${method} ${JSON.stringify(request)}`).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
    expect(await call('addOvoPartner', { name: 'toko maju' })).toMatchObject({ ok: false, error: { code: 'ONBOARDING_PARTNER_EXISTS' } })
    expect(await call('removeOvoPartner', { partnerId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'ONBOARDING_PARTNER_NOT_FOUND' } })
    expect(await call('linkOvoStepItem', { partnerId, step: 'uat-testing', itemId: 'missing' })).toMatchObject({ ok: false, error: { code: 'VAULT_ITEM_NOT_FOUND' } })
  })
})
