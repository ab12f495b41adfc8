import { join } from 'node:path'
import type { AppInfo } from '../../shared/contract'
import { createAppInfoService } from '../app-info/app-info-service'
import { createAuditLog } from '../audit/audit-log'
import { createBatchService } from '../batch/batch-service'
import { createCredentialSessions } from '../credentials/credential-sessions'
import { createDocumentSigning } from '../documents/document-signing'
import { signingIdentity } from '../documents/signing-identity'
import { createOpenDocuments } from '../documents/open-documents'
import { parseTemplateText } from '../../shared/placement/template'
import { TekenError } from '../../shared/errors'
import { createKeychainService } from '../keychain/keychain-service'
import { writeFileAtomic } from '../platform/atomic-file'
import { currentOsUser } from '../platform/os-user'
import { resolveDataDir } from '../platform/paths'
import { systemClock, type Clock } from '../ports/clock'
import { createKeytarSecretStore } from '../ports/keytar-secret-store'
import { createConsoleLogger, type Logger } from '../ports/logger'
import { keychainServiceFromEnv, type SecretStore } from '../ports/secret-store'
import { headlessDesktopPorts, type DesktopPorts } from '../ports/desktop'
import { checkExternalUrl, type ExternalLinkOpener } from '../security/external-links'
import { createSettingsService } from '../settings/settings-service'
import { createKeyService } from '../vault/key-service'
import { createFetchHttpClient, type HttpClient } from '../ports/http-client'
import { createProfileStore } from '../profiles/profile-store'
import { createSnapClient } from '../providers/snap/snap-client'
import { createPeruriService } from '../providers/peruri/peruri-service'
import { PERURI_ENVIRONMENT_FOR } from '../providers/peruri/environments'
import { createPeruriSessions } from '../providers/peruri/peruri-sessions'
import { CAMERA_GRANT_MS, createCameraGrant } from '../security/permissions'
import { createSandboxHost } from '../sandbox/sandbox-host'
import { SANDBOX_DEMO_SIGNERS } from '../sandbox/peruri/sandbox-state'
import { createOtpInbox } from '../otp/otp-inbox'
import { createAppOtpWebhook } from '../otp/app-otp-webhook'
import { createOvoOnboarding } from '../onboarding/ovo-onboarding'
import { createMyValueClient } from '../providers/myvalue/myvalue-client'
import { createSimasService } from '../providers/simas/simas-service'
import { createVault } from '../vault/vault'
import { createVaultSecretAccess } from '../vault/vault-secret-access'
import { auditHandlers } from './audit-handlers'
import { batchHandlers } from './batch-handlers'
import { createPartnerHandlers } from './partner-handlers'
import { onboardingHandlers } from './onboarding-handlers'
import { otpHandlers } from './otp-handlers'
import { createRouter, type Handlers, type Router } from './router'

export interface CoreOptions {
  runtime: AppInfo['runtime']
  version: string
  dataDir: string
  secretStore: SecretStore
  clock: Clock
  log: Logger
  openExternal: ExternalLinkOpener
  /** Native save dialog, clipboard and reveal window; headless runtimes get `headlessDesktopPorts`. */
  desktop: DesktopPorts
  /** Provider HTTP (fetch in every runtime; tests may inject a fake). */
  http: HttpClient
}

/**
 * Main's services, built once per process from its ports. The Electron app, the web harness and
 * the CLI all start here, so they share one data folder, one keychain and one set of rules.
 */
export function createTekenCore(options: CoreOptions) {
  const audit = createAuditLog({ file: join(options.dataDir, 'audit.log'), clock: options.clock, actor: currentOsUser() })
  const vault = createVault({ ...options, audit })
  const documents = createOpenDocuments()
  const settings = createSettingsService(options)
  const profiles = createProfileStore(options)
  const otpInbox = createOtpInbox({ clock: options.clock })
  /** The app's OTP webhook; while it runs, the embedded Peruri sandbox sends its OTPs there too. */
  const otpWebhook = createAppOtpWebhook({ inbox: otpInbox, vault, dataDir: options.dataDir })
  const sandboxHost = createSandboxHost({ dataDir: options.dataDir, clock: options.clock, vault, otpWebhook: () => otpWebhook.target() })
  const documentSigning = createDocumentSigning({ documents, vault, fileSaver: options.desktop.fileSaver, audit, clock: options.clock, language: async () => (await settings.get()).language })
  const peruri = createPeruriService({ vault, profiles, http: options.http, clock: options.clock, sandboxHost, audit })
  const services = {
    appInfo: createAppInfoService(options),
    keychain: createKeychainService(options.secretStore),
    settings,
    audit,
    vault,
    keys: createKeyService({ vault, fileSaver: options.desktop.fileSaver, audit, clock: options.clock }),
    /** Copy and reveal of stored secret values, from main: the clipboard and the reveal window, never the renderer. */
    vaultSecrets: createVaultSecretAccess({ vault, clipboard: options.desktop.clipboard, secretPresenter: options.desktop.secretPresenter, audit }),
    documents,
    documentSigning,
    credentials: createCredentialSessions({ vault, clipboard: options.desktop.clipboard, secretPresenter: options.desktop.secretPresenter, clock: options.clock, audit }),
    profiles,
    snap: createSnapClient({ vault, profiles, http: options.http, clock: options.clock, audit }),
    sandboxHost,
    peruri,
    /** The single-document Peruri flow, step by step; the app and `peruri sign` both go through it. */
    peruriSessions: createPeruriSessions({ client: (env) => peruri.client(env), documents, verify: (docId) => documentSigning.verify(docId), audit }),
    otpInbox,
    otpWebhook,
    ovoOnboarding: createOvoOnboarding({ dataDir: options.dataDir, clock: options.clock, vault }),
    simas: createSimasService({ profiles, vault, http: options.http, clock: options.clock }),
    myvalue: createMyValueClient({ vault, profiles, audit }),
    /** The e-KYC screen arms it just before recording; the Electron permission handler asks it. */
    camera: createCameraGrant(options.clock),
    /** Bulk batches run in this process, each with its journal in the data folder's `batches/`. */
    batches: createBatchService({
      dataDir: options.dataDir,
      clock: options.clock,
      osUser: currentOsUser(),
      peruriClient: (env) => peruri.client(env),
      localIdentity: (ref) => signingIdentity(vault, ref),
      language: async () => (await settings.get()).language,
    }),
  }
  const saved = (path: string | null) => (path ? { saved: true, path } : { saved: false })
  const done = async (step: Promise<void>) => {
    await step
    return { done: true as const }
  }
  const peruriClient = (env: string) => services.peruri.client(env)

  const handlers: Handlers = {
    getAppInfo: async () => services.appInfo.get(),
    getKeychainStatus: () => services.keychain.status(),
    openExternalLink: async ({ url }) => {
      await options.openExternal(checkExternalUrl(url).href)
      return { opened: true }
    },
    getSettings: () => services.settings.get(),
    updateSettings: (patch) => services.settings.update(patch),

    getVaultStatus: () => vault.status(),
    listVaultItems: () => vault.list(),
    generateKey: (request) => services.keys.generate(request),
    importKey: ({ name, tags, source, passphrase }) =>
      services.keys.import({ name, tags, passphrase, bytes: source.kind === 'file' ? Buffer.from(source.base64, 'base64') : source.text }),
    addSecret: (request) => {
      const { name, tags, ...secret } = request
      return vault.addSecret({ name, tags, secret })
    },
    deleteVaultItem: ({ id }) => vault.remove(id),
    exportPublicKey: async ({ id, format }) => {
      const exported = await services.keys.publicKey(id, format)
      const isPem = format.endsWith('-pem')
      return { fileName: exported.fileName, base64: exported.bytes.toString('base64'), fingerprint: exported.fingerprint, ...(isPem ? { text: exported.bytes.toString('utf8') } : {}) }
    },
    savePublicKey: async ({ id, format }) => saved(await services.keys.savePublicKey(id, format)),
    copyVaultSecret: ({ id, field }) => services.vaultSecrets.copy(id, field),
    revealVaultSecret: async ({ id, field }) => {
      await services.vaultSecrets.reveal(id, field)
      return { shown: true }
    },
    savePrivateKey: async ({ id, format, passphrase }) => saved(await services.keys.savePrivateKey(id, format, passphrase)),
    saveVaultBackup: async ({ passphrase }) => saved(await services.keys.saveBackup(passphrase)),
    importVaultBackup: async ({ base64, passphrase }) => ({ imported: await vault.importBackup(Buffer.from(base64, 'base64'), passphrase) }),
    resetVault: () => vault.reset(),

    decryptCredentials: ({ keyId, keyFile, credFile, digest, pbkdf2, iterations }) =>
      services.credentials.decrypt({
        keyRef: keyId,
        keyFile: { name: keyFile.fileName, bytes: Buffer.from(keyFile.base64, 'base64') },
        credFile: { name: credFile.fileName, bytes: Buffer.from(credFile.base64, 'base64') },
        kdf: { digest, pbkdf2, ...(iterations ? { iterations } : {}) },
      }),
    copyCredentialField: ({ sessionId, field }) => services.credentials.copy(sessionId, field),
    revealCredentialField: async ({ sessionId, field }) => {
      await services.credentials.reveal(sessionId, field)
      return { shown: true }
    },
    saveCredentialProfile: ({ sessionId, name, tags }) => services.credentials.saveProfile(sessionId, name, tags),
    discardCredentials: async ({ sessionId }) => ({ discarded: services.credentials.discard(sessionId) }),

    pickDocument: async () => {
      const picked = await options.desktop.filePicker.open({ title: 'Open PDF', extensions: ['pdf'] })
      return picked ? services.documents.open(picked.fileName, picked.bytes) : { cancelled: true }
    },
    openDocumentBytes: async ({ fileName, base64 }) => services.documents.open(fileName, Buffer.from(base64, 'base64')),
    readDocument: async ({ docId }) => ({ base64: services.documents.get(docId).bytes.toString('base64') }),
    closeDocument: async ({ docId }) => ({ closed: services.documents.close(docId) }),
    verifyDocument: ({ docId }) => services.documentSigning.verify(docId),
    signDocument: ({ docId, identityId, boxes, speciment, timestampUrl }) =>
      services.documentSigning.sign({ docId, identityRef: identityId, boxes, ...(speciment ? { speciment: Buffer.from(speciment, 'base64') } : {}), ...(timestampUrl ? { timestampUrl } : {}) }),
    saveDocument: async ({ docId }) => {
      const { fileName, bytes } = services.documents.get(docId)
      return saved(await options.desktop.fileSaver.save({ title: 'Save PDF', suggestedName: fileName, bytes }))
    },
    saveTemplate: async ({ name, text }) => {
      parseTemplateText(text)
      const stem = name.replace(/[^\w.-]+/g, '_')
      return saved(await options.desktop.fileSaver.save({ title: 'Save placement template', suggestedName: `${stem}.teken-template.json`, bytes: Buffer.from(text) }))
    },

    listPeruriEnvironments: async () => ({
      environments: (await services.peruri.listEnvironments()).map((env) => ({ ...env, suggestedEmails: env.embedded ? SANDBOX_DEMO_SIGNERS.map((signer) => signer.email) : env.email ? [env.email] : [] })),
      preferred: PERURI_ENVIRONMENT_FOR[(await settings.get()).environment],
    }),
    peruriRegister: async ({ env, registration }) => done((await peruriClient(env)).registration(registration)),
    peruriActivate: async ({ env, email }) => done((await peruriClient(env)).activation(email)),
    peruriVideoVerification: async ({ env, email, video }) => done((await peruriClient(env)).videoVerification(email, Buffer.from(video, 'base64'))),
    peruriSendSpeciment: async ({ env, email, image }) => done((await peruriClient(env)).sendSpeciment(email, Buffer.from(image, 'base64'))),
    peruriCheckCertificate: async ({ env, email }) => (await peruriClient(env)).checkCertificate(email),
    armCamera: async () => {
      services.camera.arm()
      return { armedForSeconds: CAMERA_GRANT_MS / 1000 }
    },
    peruriSendDocument: (request) => services.peruriSessions.send(request),
    peruriSendTier: (request) => services.peruriSessions.sendTier(request),
    peruriRequestOtp: (request) => services.peruriSessions.requestOtp(request),
    peruriSign: (request) => services.peruriSessions.sign(request),
    peruriDocumentStatus: (request) => services.peruriSessions.status(request),
    peruriDownload: (request) => services.peruriSessions.download(request),
    peruriWebView: (request) => services.peruri.webView(request),
    peruriWebViewSigned: (request) => services.peruriSessions.webViewSigned(request),
    sandboxOtpInbox: async ({ email }) => {
      // The sandbox is a simulator and showing its codes is the point; staging and production OTPs go to the signer's phone only.
      if ((await settings.get()).environment !== 'sandbox') throw new TekenError('SANDBOX_ONLY', 'The sandbox OTP inbox exists only in the Sandbox environment.')
      const { sandbox } = await services.sandboxHost.peruri()
      const newestFirst = sandbox.otps(email).slice(-5).reverse()
      return { messages: newestFirst.map(({ otp, email: to, phone, orderIds, issuedAt, expiresAt }) => ({ otp, email: to, phone, orderIds, issuedAt, expiresAt })) }
    },
    ...batchHandlers(services.batches, options.desktop.pathOpener),
    ...createPartnerHandlers({ ...services, http: options.http, clock: options.clock }),
    ...otpHandlers(services),
    ...onboardingHandlers({ ...services, http: options.http, clock: options.clock }),
    ...auditHandlers({ audit, fileSaver: options.desktop.fileSaver, clock: options.clock }),
  }

  const router: Router = createRouter(handlers, options.log)
  return { services, router }
}

export type TekenCore = ReturnType<typeof createTekenCore>

/**
 * The real ports, configured from the environment (`TEKEN_DATA_DIR`, `TEKEN_KEYCHAIN_SERVICE`).
 * Without native windows, "Save as…" writes into the data folder's `exports/`.
 */
export function defaultCoreOptions(
  runtime: AppInfo['runtime'],
  overrides: Partial<CoreOptions> & Pick<CoreOptions, 'version' | 'openExternal'>,
  env: NodeJS.ProcessEnv = process.env,
): CoreOptions {
  const dataDir = overrides.dataDir ?? resolveDataDir(env)
  return {
    runtime,
    dataDir,
    secretStore: createKeytarSecretStore(keychainServiceFromEnv(env)),
    clock: systemClock,
    log: createConsoleLogger(runtime),
    http: createFetchHttpClient(),
    desktop: headlessDesktopPorts(async (name, bytes) => {
      const path = join(dataDir, 'exports', name)
      await writeFileAtomic(path, bytes)
      return path
    }),
    ...overrides,
  }
}
