import { useSettings } from '../stores'
import { translator, type Translate } from './translate'

/** The current language's translator; components re-render when the language changes. */
export function useT(): Translate {
  return translator(useSettings((state) => state.settings.language))
}
