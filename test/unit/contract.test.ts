import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ArborCore } from '../../src/main/core/ArborCore'
import { arborEventSchema, checkResult, parseEvent, parseRequest, requestNames, requests } from '../../src/shared/contract'

describe('request validation at the boundary', () => {
  it('accepts well-formed requests', () => {
    expect(parseRequest('model.inspect', { path: '/m.gguf' }).ok).toBe(true)
    expect(parseRequest('app.snapshot', undefined).ok).toBe(true)
  })
  it('names an unknown request', () => {
    const r = parseRequest('fs.deleteEverything', {})
    expect(r).toMatchObject({ ok: false, code: 'UNKNOWN_REQUEST' })
    expect(parseRequest('__proto__', {})).toMatchObject({ ok: false, code: 'UNKNOWN_REQUEST' })
  })
  it('says where a malformed argument is wrong', () => {
    const r = parseRequest('model.load', { path: '/m.gguf', settings: { contextSize: -5, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 2 } })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.code).toBe('BAD_REQUEST')
      expect(r.message).toContain('settings.contextSize')
    }
    expect(parseRequest('chat.send', { text: '' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
    expect(parseRequest('model.inspect', 'not an object')).toMatchObject({ ok: false, code: 'BAD_REQUEST' })
  })
  it('lists every request the core answers', () => {
    expect(requestNames).toContain('chat.send')
    expect(new Set(requestNames).size).toBe(requestNames.length)
  })

  it('declares every request once, with an argument schema, a result schema and a handler in the core', async () => {
    expect(requestNames.length).toBeGreaterThan(30)
    for (const name of requestNames) {
      expect(requests[name].arg, name).toBeInstanceOf(z.ZodType)
      expect(requests[name].result, name).toBeInstanceOf(z.ZodType)
    }
    const root = await mkdtemp(join(os.tmpdir(), 'arbor-contract-'))
    const core = await ArborCore.create({ modelsFolder: join(root, 'models'), sessionsFolder: join(root, 'sessions'), transport: 'headless', watchModels: false })
    try {
      expect([...core.requestNames].sort()).toEqual([...requestNames].sort())
      // And the answers match their schemas, checked here on one that needs no model.
      const snapshot = await core.request('app.snapshot', undefined)
      expect(snapshot.ok && checkResult('app.snapshot', JSON.parse(JSON.stringify(snapshot.value)))).toBeNull()
      expect(checkResult('app.snapshot', { version: 1 })).toMatch(/malformed/)
    } finally {
      await core.dispose()
      await rm(root, { recursive: true, force: true })
    }
  })

  it('checks events at the wire: a well-formed one passes as it is, a malformed one says where', () => {
    const event = { type: 'chat.token', nodeId: 'pending-1', text: 'Hi' }
    expect(parseEvent(event)).toEqual({ ok: true, event })
    expect(parseEvent({ type: 'chat.token', nodeId: 'pending-1' })).toMatchObject({ ok: false, message: expect.stringContaining('"chat.token"') })
    expect(parseEvent({ type: 'fs.wipe' }).ok).toBe(false)
    expect(arborEventSchema.options.length).toBeGreaterThan(10)
  })
})
