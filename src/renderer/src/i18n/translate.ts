import type { Language } from '../../../shared/contract'
import { messages, type MessageKey } from './messages'

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

export function translator(language: Language): Translate {
  return (key, vars) => messages[language][key].replace(/\{(\w+)\}/g, (match, name: string) => (vars && name in vars ? String(vars[name]) : match))
}
