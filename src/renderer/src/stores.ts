import { createAuditStore } from './features/audit/store'
import { createBatchesStore } from './features/batches/store'
import { createCredentialsStore } from './features/credentials/store'
import { createDocumentsStore } from './features/documents/store'
import { createNavigationStore } from './features/navigation/store'
import { createOtpWebhookStore } from './features/otp/store'
import { createOvoOnboardingStore } from './features/partners/ovo-onboarding-store'
import { createTokenInspectorStore } from './features/partners/token-store'
import { createWorkbenchStore } from './features/partners/workbench-store'
import { createPeruriStore } from './features/peruri/store'
import { createPlacementStore } from './features/placement/store'
import { createSettingsStore } from './features/settings/store'
import { createSystemStore } from './features/system/store'
import { createToastStore } from './features/toasts/store'
import { createVaultStore } from './features/vault/store'
import { translator } from './i18n/translate'
import type { IpcError } from '../../shared/errors'

// One store per feature, each given the API it needs; this is the only place that reads window.teken.
export const useToasts = createToastStore()

export function reportError(error: IpcError): void {
  const t = translator(useSettings.getState().settings.language)
  // A translated headline per code; main's English message stays as the specific detail.
  useToasts.getState().push({ kind: 'error', title: t(`error.${error.code}`), detail: error.message })
}

export const useNavigation = createNavigationStore()
export const useSettings = createSettingsStore(window.teken, reportError)
export const useSystem = createSystemStore(window.teken, reportError)
export const useVault = createVaultStore(window.teken, reportError)
export const useCredentials = createCredentialsStore(window.teken, reportError, () => useVault.getState().refresh())
export const useDocuments = createDocumentsStore(window.teken, reportError)
export const usePlacement = createPlacementStore()
export const usePeruri = createPeruriStore(window.teken, reportError)
export const useOvoOnboarding = createOvoOnboardingStore(window.teken, reportError)
export const useOtpWebhook = createOtpWebhookStore(window.teken, reportError, () => useVault.getState().refresh())
export const useWorkbench = createWorkbenchStore(window.teken, reportError)
export const useTokenInspector = createTokenInspectorStore(window.teken, reportError)
export const useBatches = createBatchesStore(window.teken, reportError)
export const useAudit = createAuditStore(window.teken, reportError)
