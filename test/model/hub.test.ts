import { execFile, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HubService } from '../../src/main/core/hub/HubService'
import { FakeHub } from '../helpers/fakeHub'
import { getShapePath } from '../helpers/fixtures'
import { createTestCore, unwrap, type TestCore } from '../helpers/testCore'

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/**
 * Getting a model from the Hub, against a stand-in for the Hub's routes on 127.0.0.1 (the real Hub cannot be
 * reached from the machines this runs on), reached as the real one is: through `HF_ENDPOINT`.
 */
describe('models from the Hub', () => {
  const hub = new FakeHub()
  let t: TestCore
  let small: Buffer
  let tiny: Buffer
  const repo = 'arbor-test/Small-GGUF'
  const previousEndpoint = process.env.HF_ENDPOINT

  beforeAll(async () => {
    small = readFileSync(await getShapePath('small'))
    tiny = readFileSync(await getShapePath('tiny'))
    hub.addRepo(repo, { 'small.F16.gguf': small, 'small.Q8_0.gguf': tiny, 'broken.Q4_K_M.gguf': Buffer.from('this is not a model '.repeat(5000)) }, { downloads: 1200, likes: 7 })
    hub.addRepo('other/Tiny-GGUF', { 'tiny.F32.gguf': tiny }, { downloads: 30 })
    hub.addRepo('meta/Gated-GGUF', { 'gated.Q4_K_M.gguf': tiny })
    hub.addRepo('mirror/small-copy', { 'copy-of-small.F16.gguf': small })
    hub.faults.set('meta/Gated-GGUF', { status: 401, unlessToken: 'hf_reader' })
    process.env.HF_ENDPOINT = await hub.start()
    t = await createTestCore()
  })
  afterAll(async () => {
    await t.dispose()
    await hub.stop()
    if (previousEndpoint === undefined) delete process.env.HF_ENDPOINT
    else process.env.HF_ENDPOINT = previousEndpoint
  })

  it('finds repositories by name, most downloaded first, and lists their GGUF files by quantization with sizes and hashes', async () => {
    const found = await t.core.hub.search('gguf')
    expect(found.map((r) => r.id)).toEqual([repo, 'other/Tiny-GGUF', 'meta/Gated-GGUF'])
    expect(found[0]).toMatchObject({ author: 'arbor-test', downloads: 1200, likes: 7 })
    const files = await t.core.hub.files(repo)
    expect(files.map((f) => [f.quantization, f.totalBytes])).toEqual(
      [
        ['Q4_K_M', 100_000],
        ['Q8_0', tiny.length],
        ['F16', small.length],
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    )
    expect(files.find((f) => f.quantization === 'F16')!.parts[0]!.sha256).toBe(sha(small))
  })

  it('judges a remote file from its header alone: the same facts and verdict as the local file, a small part of it read', async () => {
    const url = t.core.hub.client().fileUrl(repo, 'small.F16.gguf')
    const remote = unwrap(await t.core.request('model.estimate', { path: url, settings: { contextSize: 1024 } }))
    const local = unwrap(await t.core.request('model.estimate', { path: await getShapePath('small'), settings: { contextSize: 1024 } }))
    expect(remote.estimate.ramBytes).toBe(local.estimate.ramBytes)
    expect(remote.fit.verdict).toBe(local.fit.verdict)
    expect(remote.recommended).toEqual(local.recommended)
    const facts = unwrap(await t.core.request('model.inspect', { path: url }))
    expect(facts).toMatchObject({ fileName: 'small.F16.gguf', fileBytes: small.length, parameters: expect.any(Number) })
    const served = hub.served.get('small.F16.gguf')!
    expect(served).toBeGreaterThan(0)
    // node-llama-cpp reads headers in 4 MiB steps: one step here, whatever the file's size.
    expect(served).toBeLessThan(6 << 20)
    expect(small.length).toBeGreaterThan(48 << 20)
    // Asked again: the header is remembered, nothing more is read.
    unwrap(await t.core.request('model.estimate', { path: url, settings: { contextSize: 2048 } }))
    expect(hub.served.get('small.F16.gguf')).toBe(served)
  })

  it('picks the file of an hf: tag as node-llama-cpp and llama.cpp do: the one the Hub’s manifest route names', async () => {
    hub.addRepo('pick/Two-Q8', { 'a.Q8_0.gguf': tiny, 'b.Q8_0.gguf': small })
    hub.manifestChoice.set('pick/Two-Q8:Q8_0', 'b.Q8_0.gguf')
    const asked = hub.requests.length
    const chosen = await t.core.hub.resolve('hf:pick/Two-Q8:Q8_0')
    expect(chosen).toMatchObject({ fileName: 'b.Q8_0.gguf', totalBytes: small.length })
    expect(hub.requests.slice(asked)).toContain('GET /v2/pick/Two-Q8/manifests/Q8_0')
    // Without a tag: the manifest's "latest"; where the Hub names nothing, the file list decides.
    expect((await t.core.hub.resolve('hf:pick/Two-Q8')).fileName).toBe('a.Q8_0.gguf')
    await expect(t.core.hub.resolve('hf:pick/Two-Q8:Q2_K')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' })
  })

  it('refuses a remote file that is not a GGUF from its first bytes, and names a missing or gated repository', async () => {
    const bad = await t.core.request('model.estimate', { path: t.core.hub.client().fileUrl(repo, 'broken.Q4_K_M.gguf') })
    expect(bad.ok ? null : bad.error.code).toBe('GGUF_BAD_MAGIC')
    expect(hub.served.get('broken.Q4_K_M.gguf')).toBeLessThan(100_000)
    // Downloaded anyway (by its URL): not kept in the models folder.
    await expect(t.core.hub.pull(t.core.hub.client().fileUrl(repo, 'broken.Q4_K_M.gguf'))).rejects.toMatchObject({ code: 'GGUF_BAD_MAGIC' })
    expect(existsSync(join(t.core.modelsFolder.path, 'broken.Q4_K_M.gguf'))).toBe(false)
    await expect(t.core.hub.files('nobody/Nothing-GGUF')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' })
    await expect(t.core.hub.pull('hf:meta/Gated-GGUF:Q4_K_M')).rejects.toMatchObject({ code: 'MODEL_GATED', message: expect.stringContaining('HF_TOKEN') })
    // With the token of an account that may read it (set in Settings), the gated repository answers.
    unwrap(await t.core.request('settings.set', { hfToken: 'hf_reader' }))
    expect((await t.core.hub.files('meta/Gated-GGUF')).map((f) => f.quantization)).toEqual(['Q4_K_M'])
    unwrap(await t.core.request('settings.set', { hfToken: null }))
    await expect(t.core.hub.files('meta/Gated-GGUF')).rejects.toMatchObject({ code: 'MODEL_GATED' })
    await expect(t.core.hub.pull(`hf:${repo}:Q2_K`)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('Q8_0') })
    await expect(t.core.hub.pull('not a model')).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('waits out a rate limit within its budget, and says how long the Hub asked to wait beyond it', async () => {
    hub.faults.set('other/Tiny-GGUF', { status: 429 })
    const impatient = new HubService(t.core.modelsFolder.path, { maxRateLimitWaitMs: 0 })
    await expect(impatient.files('other/Tiny-GGUF')).rejects.toMatchObject({ code: 'HUB_RATE_LIMITED', details: { retryAfterSeconds: 1 } })
    setTimeout(() => hub.faults.delete('other/Tiny-GGUF'), 300)
    const patient = new HubService(t.core.modelsFolder.path, { maxRateLimitWaitMs: 5000 })
    expect((await patient.files('other/Tiny-GGUF')).map((f) => f.quantization)).toEqual(['F32'])
  })

  it('downloads through a dropped connection, checks the hash, and the file loads', async () => {
    hub.faults.set('small.F16.gguf', { dropAfterBytes: 5 << 20 })
    hub.served.set('small.F16.gguf', 0)
    const progress: number[] = []
    const pulled = await t.core.hub.pull(`hf:${repo}:F16`, { onProgress: (p) => progress.push(p.downloadedBytes) })
    expect(pulled.path).toBe(join(t.core.modelsFolder.path, 'small.F16.gguf'))
    expect(sha(readFileSync(pulled.path))).toBe(sha(small))
    expect(progress.length).toBeGreaterThan(0)
    expect(Math.max(...progress)).toBe(small.length)
    // The connection did drop, and only the broken part (one of node-llama-cpp's chunks) was sent again.
    expect(hub.faults.get('small.F16.gguf')!.times).toBe(0)
    expect(hub.served.get('small.F16.gguf')!).toBeLessThan(small.length * 1.5)
    expect(readdirSync(t.core.modelsFolder.path).filter((n) => n.startsWith('small.F16.gguf'))).toEqual(['small.F16.gguf'])
    // The same model again: the file there is checked and kept, nothing is downloaded.
    const before = hub.served.get('small.F16.gguf')
    expect((await t.core.hub.pull(`hf:${repo}:F16`)).reused).toBe(true)
    expect(hub.served.get('small.F16.gguf')).toBe(before)
    // And under another name in another repository: the Hub's hash says it is the file there; no second copy.
    const copy = await t.core.hub.pull('hf:mirror/small-copy:F16')
    expect(copy).toMatchObject({ path: pulled.path, reused: true })
    expect(hub.served.get('copy-of-small.F16.gguf') ?? 0).toBe(0)
    expect(existsSync(join(t.core.modelsFolder.path, 'copy-of-small.F16.gguf'))).toBe(false)
    const loaded = unwrap(await t.core.request('model.load', { path: pulled.path, settings: { contextSize: 256, sequences: 1, gpuLayers: 0, kvCacheType: 'F16', threads: 2 } }))
    expect(loaded.facts.fileName).toBe('small.F16.gguf')
    const inUse = await t.core.request('models.delete', { path: pulled.path })
    expect(inUse.ok ? null : inUse.error.code).toBe('MODEL_IN_USE')
    unwrap(await t.core.request('model.unload', undefined))
    const outside = await t.core.request('models.delete', { path: join(t.core.modelsFolder.path, '..', 'settings.gguf') })
    expect(outside.ok ? null : outside.error.code).toBe('BAD_REQUEST')
  })

  it('resumes a download paused when Arbor quit, at the next start, from its partial file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'arbor-resume-'))
    const modelsFolder = join(root, 'models')
    hub.addRepo('slow/Resume-GGUF', { 'resume.F16.gguf': small })
    // The server goes silent after 40 MiB: the download is under way, and cannot end before Arbor quits.
    hub.faults.set('resume.F16.gguf', { holdAfterBytes: 40 << 20 })
    try {
      const first = await createTestCore({ modelsFolder })
      const started = first.core.downloads.start('hf:slow/Resume-GGUF:F16')
      await expect.poll(() => first.core.downloads.list()[0]!.downloadedBytes, { timeout: 30_000 }).toBeGreaterThan(33 << 20)
      expect(first.core.downloads.list()[0]!.state).toBe('running')
      await first.dispose()
      const sentBefore = hub.served.get('resume.F16.gguf')!
      expect(sentBefore).toBeLessThan(small.length)

      hub.faults.delete('resume.F16.gguf')
      const second = await createTestCore({ modelsFolder })
      try {
        const [offered] = second.core.downloads.list()
        expect(offered).toMatchObject({ id: started.id, state: 'paused', fileName: started.fileName })
        expect(offered!.downloadedBytes).toBeGreaterThan(33 << 20)
        second.core.downloads.start(offered!.ref)
        await expect.poll(() => second.core.downloads.list()[0]!.state, { timeout: 60_000 }).toBe('done')
        const path = second.core.downloads.list()[0]!.path!
        expect(sha(readFileSync(path))).toBe(sha(small))
        // Resumed: what it had was not sent again. node-llama-cpp's downloader keeps whole 5 MiB chunks: the ones
        // being written when it stopped (three at a time) come again, so at most 15 MiB of the 33 MiB it had.
        expect(hub.served.get('resume.F16.gguf')! - sentBefore).toBeLessThan(small.length - (18 << 20))
        expect(readdirSync(modelsFolder).filter((n) => n.startsWith('resume'))).toEqual(['resume.F16.gguf'])
      } finally {
        await second.dispose()
      }
      // Finished: not offered again.
      const third = await createTestCore({ modelsFolder })
      expect(third.core.downloads.list()).toEqual([])
      await third.dispose()
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  }, 120_000)

  it('keeps no file whose bytes the Hub disowns (another hash, fewer bytes), and refuses a download the disk cannot hold', async () => {
    hub.faults.set('tiny.F32.gguf', { wrongHash: true })
    await expect(t.core.hub.pull('hf:other/Tiny-GGUF:F32')).rejects.toMatchObject({ code: 'DOWNLOAD_CORRUPT' })
    expect(existsSync(join(t.core.modelsFolder.path, 'tiny.F32.gguf'))).toBe(false)
    hub.faults.set('tiny.F32.gguf', { shortBy: 1000 })
    const stalling = new HubService(t.core.modelsFolder.path, { stallMs: 2000 })
    const short = await stalling.pull('hf:other/Tiny-GGUF:F32').then(() => null, (e: { code: string }) => e.code)
    expect(['DOWNLOAD_CORRUPT', 'DOWNLOAD_FAILED']).toContain(short)
    expect(existsSync(join(t.core.modelsFolder.path, 'tiny.F32.gguf'))).toBe(false)
    hub.faults.delete('tiny.F32.gguf')
    const full = new HubService(t.core.modelsFolder.path, { freeBytes: async () => 1000 })
    const servedBefore = hub.served.get('tiny.F32.gguf') ?? 0
    await expect(full.pull('hf:other/Tiny-GGUF:F32')).rejects.toMatchObject({ code: 'DISK_FULL', details: { neededBytes: tiny.length, freeBytes: 1000 } })
    expect(hub.served.get('tiny.F32.gguf') ?? 0).toBe(servedBefore)
  })

  it('works from the command line: search, inspect a Hub file remotely, pull it, list it; a failure exits 1 with its code', async () => {
    const home = await mkdtemp(join(tmpdir(), 'arbor-hub-cli-'))
    const root = join(import.meta.dirname, '../..')
    const cli = async (...args: string[]) => {
      const run = promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main/cli/arbor.ts'), ...args, '--models', join(home, 'models')], {
        env: { ...process.env, HF_ENDPOINT: hub.url, ARBOR_HOME: home },
        maxBuffer: 16 << 20,
      })
      return run.then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      )
    }
    try {
      const search = await cli('search', 'tiny', '--json')
      expect(JSON.parse(search.stdout).repos.map((r: { id: string }) => r.id)).toEqual(['other/Tiny-GGUF'])
      const inspect = JSON.parse((await cli('inspect', `hf:${repo}:F16`, '--json')).stdout)
      expect(inspect).toMatchObject({ source: `hf:${repo}:F16`, fileBytes: small.length, fit: { verdict: expect.any(String) } })
      expect(inspect.path).toBe(t.core.hub.client().fileUrl(repo, 'small.F16.gguf'))
      const pull = await cli('pull', `hf:${repo}:Q8_0`)
      expect(pull.code).toBe(0)
      expect(pull.stdout.trim()).toBe(join(home, 'models', 'small.Q8_0.gguf'))
      expect(pull.stderr).toContain('100%')
      const models = JSON.parse((await cli('models', '--json')).stdout)
      expect(models.models.map((m: { fileName: string }) => m.fileName)).toEqual(['small.Q8_0.gguf'])
      const gated = await cli('pull', 'hf:meta/Gated-GGUF', '--json')
      expect(gated.code).toBe(1)
      expect(JSON.parse(gated.stdout).error.code).toBe('MODEL_GATED')
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  }, 120_000)

  // A disk that fills up during a download: a 64 MiB tmpfs in a mount namespace of its own (`unshare -rm`, no
  // privilege needed), which a second writer fills while `arbor pull` writes the 51 MB model into it.
  const canMount = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=1m none /tmp'], { stdio: 'ignore' }).status === 0
  if (!canMount) console.warn('Skipping the full-disk download test: `unshare -rm` cannot mount a tmpfs here.')
  it.skipIf(!canMount)('stops with DISK_FULL when the disk fills up in the middle of a download, and leaves no partial file', async () => {
    const home = await mkdtemp(join(tmpdir(), 'arbor-full-'))
    const root = join(import.meta.dirname, '../..')
    hub.addRepo('big/Full-GGUF', { 'full.F16.gguf': small })
    hub.faults.set('full.F16.gguf', { bytesPerSecond: 4 << 20 })
    try {
      const disk = join(home, 'disk')
      const script = [
        `mkdir -p ${disk} && mount -t tmpfs -o size=64m none ${disk}`,
        // Once the download has begun (its partial file exists), something else takes 40 MiB of the disk.
        `(while ! ls ${disk}/models/*.ipull >/dev/null 2>&1; do sleep 0.1; done; dd if=/dev/zero of=${disk}/filler bs=1M count=40 2>/dev/null) &`,
        `"$TSX" ${join(root, 'src/main/cli/arbor.ts')} pull hf:big/Full-GGUF:F16 --json --models ${disk}/models; code=$?`,
        `echo "LEFT: $(ls -a ${disk}/models | tr '\\n' ' ')" >&2`,
        'exit $code',
      ].join('\n')
      const run = await promisify(execFile)('unshare', ['-rm', 'sh', '-c', script], {
        env: { ...process.env, HF_ENDPOINT: hub.url, ARBOR_HOME: home, TSX: join(root, 'node_modules/.bin/tsx') },
        maxBuffer: 16 << 20,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      )
      expect(run.code, run.stderr).toBe(1)
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/filled up while/) })
      expect(hub.served.get('full.F16.gguf')!).toBeGreaterThan(0)
      // Only Arbor's library file is left in the models folder: no partial download.
      expect(/LEFT: (.*)/.exec(run.stderr)?.[1]?.trim().split(' ').filter((n) => n !== '.' && n !== '..').filter((n) => n !== '.arbor-library.json')).toEqual([])
    } finally {
      hub.faults.delete('full.F16.gguf')
      await rm(home, { recursive: true, force: true })
    }
  }, 120_000)
})
