// `npm test`: typecheck, lint, build, then every vitest project (unit, integration with the real
// keychain, Chromium E2E against the built renderer). Stops at the first failing step.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const run = (label, command, args) => {
  console.log(`\n▶ ${label}`)
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false })
  if (result.status !== 0) {
    console.error(`\n✖ ${label} failed`)
    process.exit(result.status ?? 1)
  }
}

run('typecheck', 'npm', ['run', '-s', 'typecheck'])
run('lint', 'npm', ['run', '-s', 'lint'])
run('build', 'npm', ['run', '-s', 'build'])

const reportDir = mkdtempSync(join(tmpdir(), 'teken-vitest-'))
const report = join(reportDir, 'report.json')
console.log('\n▶ vitest')
const tests = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { stdio: 'inherit' })
try {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'))
  // One plain closing line that any CI reader understands.
  console.log(`\n${numPassedTests} passed, ${numFailedTests} failed${numPendingTests ? `, ${numPendingTests} skipped` : ''}`)
} catch {
  console.error('vitest wrote no report')
}
rmSync(reportDir, { recursive: true, force: true })
process.exit(tests.status ?? 1)
