import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline/promises'
import { TekenError } from '../shared/errors'

export interface OtpRequest {
  orderId: string
  email: string
  phone?: string
}

/**
 * Where the CLI gets an OTP: `--otp-command CMD` runs CMD through the shell and takes the first
 * six-digit number it prints (with TEKEN_OTP_ORDER_ID, TEKEN_OTP_EMAIL, TEKEN_OTP_PHONE set, so a
 * script can look up the right code); without it, a terminal prompt.
 */
export function otpSource(command: string | undefined): (request: OtpRequest) => Promise<string> {
  return async (request) => {
    if (command) return otpFromCommand(command, request)
    if (!process.stdin.isTTY) throw new TekenError('OTP_NOT_RECEIVED', 'An OTP is needed and there is no terminal to ask on: pass --otp-command CMD.')
    const prompt = createInterface({ input: process.stdin, output: process.stderr })
    try {
      const answer = await prompt.question(`OTP sent${request.phone ? ` to ${request.phone}` : ''} for order ${request.orderId}: `)
      return extractOtp(answer, 'the prompt')
    } finally {
      prompt.close()
    }
  }
}

async function otpFromCommand(command: string, request: OtpRequest): Promise<string> {
  const child = spawn(command, {
    shell: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TEKEN_OTP_ORDER_ID: request.orderId, TEKEN_OTP_EMAIL: request.email, TEKEN_OTP_PHONE: request.phone ?? '' },
  })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (code !== 0) throw new TekenError('OTP_NOT_RECEIVED', `The OTP command exited with status ${code}.`)
  return extractOtp(Buffer.concat(chunks).toString('utf8'), 'the OTP command')
}

function extractOtp(text: string, from: string): string {
  const otp = /(?<!\d)\d{6}(?!\d)/.exec(text)?.[0]
  if (!otp) throw new TekenError('OTP_NOT_RECEIVED', `No six-digit OTP came from ${from}.`)
  return otp
}
