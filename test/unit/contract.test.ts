import { describe, expect, it } from 'vitest'
import { parseRequest, requestNames } from '../../src/shared/contract'

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
})
