import { join } from 'node:path'
import type { z } from 'zod'
import { TekenError } from '../../shared/errors'
import { readJsonFile, writeFileAtomic } from '../platform/atomic-file'
import { oneAtATime } from '../platform/one-at-a-time'

/**
 * The `state.json` of an embedded sandbox that keeps its state in a folder of the data folder (the
 * SNAP and SIMAS-ID sandboxes; Peruri has its own, larger layout). `read` answers undefined when
 * there is no file yet. A file that is not the sandbox's state stops the sandbox with a clear error
 * and is left as it is, as the Peruri sandbox does: its tokens and keys are not thrown away behind
 * the user's back. `save` writes atomically, one write after the other, each with the state as it is
 * when its turn comes.
 */
export function sandboxStateFile<Schema extends z.ZodType>(dir: string, what: string, schema: Schema) {
  const file = join(dir, 'state.json')
  const exclusive = oneAtATime()
  return {
    file,
    async read(): Promise<z.infer<Schema> | undefined> {
      const stored = await readJsonFile(file)
      if (!stored) return undefined
      const parsed = schema.safeParse(stored.json)
      if (!parsed.success) {
        throw new TekenError('SANDBOX_STATE_INVALID', `${file} is not a state file of the embedded ${what} sandbox; fix it, or move it aside to start that sandbox afresh (nothing was changed).`, { file })
      }
      return parsed.data
    },
    save(state: () => z.input<Schema> | Promise<z.input<Schema>>): Promise<void> {
      return exclusive(async () => writeFileAtomic(file, `${JSON.stringify(await state())}\n`))
    },
    /** Resolves once every save asked for so far has settled. */
    settled: () => exclusive(async () => undefined),
  }
}
