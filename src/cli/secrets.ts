import { readFile } from 'node:fs/promises'
import { TekenError } from '../shared/errors'
import { passwordFromPassFile } from '../main/credentials'

/**
 * Passphrases never come from argv (it shows in `ps` and shell history): from a file, read the way
 * openssl reads `-pass file:` (first line, only "\n" stripped), or from a hidden terminal prompt.
 */
export async function readPassphrase(options: { file?: string; prompt: string; required: boolean }): Promise<string | undefined> {
  if (options.file) return passwordFromPassFile(await readFile(options.file)).toString('utf8')
  if (!process.stdin.isTTY) {
    if (!options.required) return undefined
    throw new TekenError('KEY_PASSPHRASE_REQUIRED', `${options.prompt} is needed and there is no terminal to ask on: pass --passphrase-file PATH.`)
  }
  return promptHidden(`${options.prompt}: `)
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin
    let answer = ''
    process.stderr.write(question)
    input.setRawMode(true)
    input.resume()
    const finish = (error?: Error) => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
      if (error) reject(error)
      else resolve(answer)
    }
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish()
        if (char === '\u0003') return finish(new TekenError('INVALID_REQUEST', 'Cancelled.'))
        answer = char === '\u007f' || char === '\b' ? answer.slice(0, -1) : answer + char
      }
    }
    input.on('data', onData)
  })
}
