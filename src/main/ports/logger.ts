/** Where main writes diagnostics. Callers pass errors and ids, never secrets or decrypted material. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string, error?: unknown): void
}

export function createConsoleLogger(scope: string): Logger {
  const line = (level: string, message: string) => `${new Date().toISOString()} ${level} [${scope}] ${message}`
  return {
    info: (message) => console.error(line('info', message)),
    warn: (message) => console.error(line('warn', message)),
    error: (message, error) => console.error(line('error', message), error instanceof Error ? (error.stack ?? error.message) : (error ?? '')),
  }
}
