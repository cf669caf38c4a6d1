import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ArborEvent } from '../../src/shared/contract'
import type { LoadSettings } from '../../src/shared/types'
import { getShapePath } from '../helpers/fixtures'
import { codeOf, createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const settings: LoadSettings = { contextSize: 512, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 2 }
const openFds = () => readdirSync('/proc/self/fd').length
const mappingsOf = (path: string) => readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.endsWith(path)).length
const progressOf = (events: ArborEvent[]) => events.filter((e) => e.type === 'model.loadProgress')

describe('loading a model', () => {
  let t: TestCore
  let small: string
  beforeAll(async () => {
    t = await createTestCore()
    small = await getShapePath('small')
  })
  afterAll(() => t.dispose())

  it('reports progress from bytes read while the load runs, then the loaded state', async () => {
    t.events.length = 0
    const loaded = unwrap(await t.core.request('model.load', { path: small, settings }))
    const reading = progressOf(t.events).filter((e) => e.type === 'model.loadProgress' && e.phase === 'reading')
    expect(reading.length).toBeGreaterThan(2)
    const bytes = reading.map((e) => (e.type === 'model.loadProgress' ? e.bytesRead : 0))
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b))
    expect(bytes.at(-1)).toBe(loaded.facts.fileBytes)
    // Progress came before the load finished, not all at the end.
    const firstProgress = t.events.findIndex((e) => e.type === 'model.loadProgress')
    const loadedAt = t.events.findIndex((e) => e.type === 'model.loadState' && e.state.status === 'loaded')
    expect(firstProgress).toBeLessThan(loadedAt)
    expect(loaded.measuredAfterLoad.ramBytes).toBeGreaterThan(0)
  })

  it('refuses a second load while one is running', async () => {
    const first = t.core.request('model.load', { path: small, settings })
    const second = await t.core.request('model.load', { path: small, settings })
    expect(codeOf(second)).toBe('LOAD_IN_PROGRESS')
    unwrap(await first)
  })

  it('unloads, unmapping the file', async () => {
    unwrap(await t.core.request('model.load', { path: small, settings }))
    expect(mappingsOf(small)).toBeGreaterThan(0)
    expect(unwrap(await t.core.request('model.unload', undefined)).unloaded).toBe(true)
    const snapshot = unwrap(await t.core.request('app.snapshot', undefined))
    expect(snapshot.load.status).toBe('idle')
    expect(mappingsOf(small)).toBe(0)
    expect(codeOf(await t.core.request('chat.send', { text: 'hi' }))).toBe('NO_MODEL_LOADED')
  })

  it('cancels mid-load and leaks no file handles or memory', async () => {
    await t.core.request('model.unload', undefined)
    const fdsBefore = openFds()
    for (let i = 0; i < 3; i++) {
      const off = t.core.on((e) => {
        if (e.type === 'model.loadProgress' && e.bytesRead > 0 && e.bytesRead < e.bytesTotal) void t.core.request('model.cancelLoad', undefined)
      })
      const r = await t.core.request('model.load', { path: small, settings: { ...settings, contextSize: 256 } })
      off()
      expect(codeOf(r)).toBe('LOAD_CANCELLED')
    }
    expect(unwrap(await t.core.request('app.snapshot', undefined)).load.status).toBe('idle')
    expect(openFds()).toBeLessThanOrEqual(fdsBefore)
    // The runtime still works after cancels.
    unwrap(await t.core.request('model.load', { path: small, settings }))
  })

  it('a load of another model cancelled before it began leaves the loaded one loaded, and says so', async () => {
    unwrap(await t.core.request('model.load', { path: small, settings }))
    const other = t.core.request('model.load', { path: small, settings: { ...settings, contextSize: 256 } })
    unwrap(await t.core.request('model.cancelLoad', undefined))
    expect(codeOf(await other)).toBe('LOAD_CANCELLED')
    const snapshot = unwrap(await t.core.request('app.snapshot', undefined))
    expect(snapshot.load).toMatchObject({ status: 'loaded', model: { settings: { contextSize: 512 } } })
    expect(codeOf(await t.core.request('session.new', undefined))).toBe('ok')
    expect(codeOf(await t.core.request('chat.send', { text: 'Still here?', maxTokens: 4 }))).toBe('ok')
  })

  it('cancels while llama.cpp builds the model, and frees what it had built', async () => {
    await t.core.request('model.unload', undefined)
    const fdsBefore = openFds()
    const rssBefore = process.memoryUsage.rss()
    for (let i = 0; i < 5; i++) {
      const off = t.core.on((e) => {
        if (e.type === 'model.loadProgress' && e.phase === 'initializing') void t.core.request('model.cancelLoad', undefined)
      })
      const r = await t.core.request('model.load', { path: small, settings })
      off()
      expect(codeOf(r)).toBe('LOAD_CANCELLED')
    }
    expect(unwrap(await t.core.request('app.snapshot', undefined)).load.status).toBe('idle')
    expect(openFds()).toBeLessThanOrEqual(fdsBefore)
    // A leaked model would keep its file mapped (mmap) or its weights resident.
    expect(mappingsOf(small)).toBe(0)
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('a load the estimate says will not fit', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await createTestCore({ ramBudgetBytes: 40 * 1024 * 1024 })
  })
  afterAll(() => t.dispose())

  it('is refused with the numbers, and loads only with an explicit override', async () => {
    const small = await getShapePath('small')
    const refused = await t.core.request('model.load', { path: small, settings: { ...settings, contextSize: 4096 } })
    expect(codeOf(refused)).toBe('MODEL_TOO_LARGE')
    if (!refused.ok && refused.error.code === 'MODEL_TOO_LARGE') {
      expect(refused.error.details?.ramAvailableBytes).toBe(40 * 1024 * 1024)
      expect(Number(refused.error.details?.ramNeededBytes)).toBeGreaterThan(40 * 1024 * 1024)
    }
    expect(unwrap(await t.core.request('app.snapshot', undefined)).load.status).not.toBe('loaded')
    const forced = await t.core.request('model.load', { path: small, settings: { ...settings, contextSize: 4096 }, override: true })
    expect(codeOf(forced)).toBe('ok')
  })
})
