import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_APP_SETTINGS } from '../../src/shared/appSettings'
import { compactionSettings } from '../../src/shared/contextBudget'
import { parseSettings, SettingsStore } from '../../src/main/core/settings/SettingsStore'

const folders: string[] = []
const file = async () => {
  const folder = await mkdtemp(join(os.tmpdir(), 'arbor-settings-'))
  folders.push(folder)
  return join(folder, 'settings.json')
}
afterEach(async () => {
  await Promise.all(folders.splice(0).map((f) => rm(f, { recursive: true, force: true })))
})

describe('app settings', () => {
  it('start from the defaults, are saved on change and read back by the next run', async () => {
    const path = await file()
    const first = await SettingsStore.open(path)
    expect(first.settings).toEqual(DEFAULT_APP_SETTINGS)
    expect(first.warning).toBeNull()
    const changed = { ...DEFAULT_APP_SETTINGS, overflowPolicy: 'stop' as const, reserveTokens: 700 }
    expect(await first.update({ overflowPolicy: 'stop', reserveTokens: 700 })).toEqual(changed)
    const again = await SettingsStore.open(path)
    expect(again.settings).toEqual(changed)
  })

  it('keep the keys and tokens they hold readable by the user alone', async () => {
    const path = await file()
    const store = await SettingsStore.open(path)
    await store.update({ hfToken: 'hf_secret', apiKey: 'k' })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await SettingsStore.open(path)).settings.hfToken).toBe('hf_secret')
  })

  it('a hand-edited file with one bad field keeps the others, says which, and is copied before it is replaced', async () => {
    const path = await file()
    const text = JSON.stringify({ overflowPolicy: 'explode', reserveTokens: 900, keepRecentTokens: -3 })
    await writeFile(path, text)
    const store = await SettingsStore.open(path)
    expect(store.settings).toEqual({ ...DEFAULT_APP_SETTINGS, overflowPolicy: 'compact', reserveTokens: 900, keepRecentTokens: null })
    expect(store.warning).toMatch(/"overflowPolicy" is not a valid value.*"keepRecentTokens" is not a valid value/)
    await store.update({ keepRecentTokens: 400 })
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(text)
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ ...DEFAULT_APP_SETTINGS, overflowPolicy: 'compact', reserveTokens: 900, keepRecentTokens: 400 })
  })

  it('a file that is not JSON gives the defaults and a warning, never a throw', () => {
    expect(parseSettings('{not json')).toMatchObject({ settings: DEFAULT_APP_SETTINGS, problems: [expect.stringMatching(/not JSON/)] })
    expect(parseSettings('[1]')).toMatchObject({ settings: DEFAULT_APP_SETTINGS, problems: ['it is not a JSON object'] })
    expect(parseSettings('{}')).toEqual({ settings: DEFAULT_APP_SETTINGS, problems: [] })
  })

  it("the user's compaction sizes replace the scaled ones, but never past half the context", () => {
    expect(compactionSettings(4096, { reserveTokens: 600, keepRecentTokens: null })).toEqual({ reserveTokens: 600, keepRecentTokens: 1229 })
    expect(compactionSettings(4096, { reserveTokens: 100_000, keepRecentTokens: 3000 })).toEqual({ reserveTokens: 2048, keepRecentTokens: 2048 })
  })
})
