import { readdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, createTestCore, unwrap, type TestCore } from '../helpers/testCore'

/** Requests that arrive together (two windows, a double click, a script) all succeed and leave no debris. */
describe('races', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore()
  })
  afterAll(() => t.dispose())

  it('20 demo creations at once: each succeeds, one valid file, no temporary files left', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.core.request('models.createDemo', undefined)))
    expect(answers.map(codeOf)).toEqual(Array.from({ length: 20 }, () => 'ok'))
    const path = unwrap(answers[0]!).path
    expect(new Set(answers.map((a) => unwrap(a).path))).toEqual(new Set([path]))
    expect(codeOf(await t.core.request('model.inspect', { path }))).toBe('ok')
    expect((await readdir(t.modelsFolder)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  }, 60_000)
})
