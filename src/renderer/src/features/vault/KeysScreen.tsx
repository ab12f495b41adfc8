import { useEffect, useState } from 'react'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useT } from '../../i18n/useT'
import { useVault } from '../../stores'
import { CredentialDecryptPanel } from '../credentials/CredentialDecryptPanel'
import { AddSecretForm } from './AddSecretForm'
import { GenerateKeyForm } from './GenerateKeyForm'
import { ImportKeyForm } from './ImportKeyForm'
import { KeyList } from './KeyList'
import { VaultBackupPanel } from './VaultBackupPanel'

export function KeysScreen() {
  const t = useT()
  const { status, refresh, reset } = useVault()
  const [confirmingReset, setConfirmingReset] = useState(false)
  useEffect(() => {
    void refresh()
  }, [refresh])

  if (!status) return <p>{t('common.loading')}</p>
  const usable = status.state === 'ready' || status.state === 'empty'
  return (
    <>
      {!usable && (
        <section className="card problem-card" role="alert" data-testid="vault-problem">
          <h2>{t(`vault.state.${status.state}`)}</h2>
          <p className="problem-detail">{status.problem}</p>
          <button type="button" className="danger" onClick={() => setConfirmingReset(true)}>
            {t('vault.reset')}
          </button>
        </section>
      )}
      {usable && (
        <>
          <section className="card" aria-labelledby="vault-title">
            <h2 id="vault-title">{t('vault.title')}</h2>
            <p className="muted">{t('vault.intro', { count: status.items })}</p>
            <KeyList />
          </section>
          <GenerateKeyForm />
          <ImportKeyForm />
          <AddSecretForm />
          <CredentialDecryptPanel />
          <VaultBackupPanel />
        </>
      )}
      <ConfirmDialog
        open={confirmingReset}
        title={t('vault.reset.title')}
        confirmLabel={t('vault.reset')}
        cancelLabel={t('common.cancel')}
        danger
        onCancel={() => setConfirmingReset(false)}
        onConfirm={() => {
          setConfirmingReset(false)
          void reset()
        }}
      >
        <p>{t('vault.reset.body')}</p>
      </ConfirmDialog>
    </>
  )
}
