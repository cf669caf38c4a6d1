/**
 * What a Hugging Face repository's file list means for someone choosing a model: its GGUF files grouped by
 * quantization, the parts of a split file (`-00001-of-00003`) as one model. Pure, shared by the core and the UI.
 */

/** One entry of `/api/models/<repo>/tree/main`. */
export type HubTreeEntry = { type: string; path: string; size: number; lfs?: { oid: string; size: number } }

export type HubFilePart = { path: string; bytes: number; sha256: string | null }

/** A model as the repository offers it: one file, or the parts of one split file. */
export type HubModelFile = {
  /** The first part's path: what a download starts from. */
  path: string
  /** The quantization named in the file name (`Q4_K_M`, `F16`), or null when the name says none. */
  quantization: string | null
  parts: HubFilePart[]
  totalBytes: number
}

export type HubRepo = { id: string; author: string; downloads: number; likes: number; lastModified: string | null }

const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i
const QUANT = /(?:^|[-_.])((?:I?Q\d_(?:K_)?[A-Z0-9]+(?:_[A-Z0-9]+)?)|Q\d_K|BF16|F16|F32|TQ\d_\d|MXFP4(?:_MOE)?)(?=[-_.])/i

/** The quantization a GGUF file name states (the last one when it names several), upper-cased. */
export function quantizationOf(fileName: string): string | null {
  const base = fileName.split('/').pop()!.replace(SPLIT, '.gguf')
  let found: string | null = null
  for (let rest = base; ; ) {
    const match = QUANT.exec(rest)
    if (!match) break
    found = match[1]!.toUpperCase()
    rest = rest.slice(match.index + match[0].length)
  }
  return found
}

/** GGUF files of a tree listing, split parts combined (only complete sets), largest quantization last. */
export function groupGgufFiles(entries: HubTreeEntry[]): HubModelFile[] {
  const singles: HubModelFile[] = []
  const splits = new Map<string, { of: number; parts: Map<number, HubFilePart> }>()
  for (const entry of entries) {
    if (entry.type !== 'file' || !entry.path.toLowerCase().endsWith('.gguf')) continue
    const part: HubFilePart = { path: entry.path, bytes: entry.lfs?.size ?? entry.size, sha256: entry.lfs?.oid ?? null }
    const split = SPLIT.exec(entry.path)
    if (!split) {
      singles.push({ path: entry.path, quantization: quantizationOf(entry.path), parts: [part], totalBytes: part.bytes })
      continue
    }
    const key = entry.path.slice(0, split.index)
    const set = splits.get(key) ?? { of: Number(split[2]), parts: new Map() }
    set.parts.set(Number(split[1]), part)
    splits.set(key, set)
  }
  const combined: HubModelFile[] = []
  for (const set of splits.values()) {
    const parts = [...set.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p)
    if (parts.length !== set.of) continue
    combined.push({ path: parts[0]!.path, quantization: quantizationOf(parts[0]!.path), parts, totalBytes: parts.reduce((n, p) => n + p.bytes, 0) })
  }
  return [...singles, ...combined].sort((a, b) => a.totalBytes - b.totalBytes || a.path.localeCompare(b.path))
}

/** What a user may name a Hub model by: `hf:org/repo`, `hf:org/repo:QUANT`, `hf:org/repo/file.gguf`. */
export type HubRef = { repo: string; quantization: string | null; file: string | null }

export function parseHubRef(text: string): HubRef | null {
  const match = /^(?:hf:|huggingface:|hf\.co\/|huggingface\.co\/)([\w.-]+)\/([\w.-]+)(?::([\w.-]+)|\/(.+\.gguf))?$/i.exec(text.trim())
  if (!match || /^\.+$/.test(match[1]!) || /^\.+$/.test(match[2]!) || match[4]?.split('/').some((s) => /^\.*$/.test(s))) return null
  return { repo: `${match[1]}/${match[2]}`, quantization: match[3] ? match[3].toUpperCase() : null, file: match[4] ?? null }
}

/** The file of a listing a reference means: the named file, the named quantization, else Q4_K_M, else the smallest. */
export function chooseFile(files: HubModelFile[], ref: HubRef): HubModelFile | null {
  if (ref.file) return files.find((f) => f.path === ref.file || f.parts.some((p) => p.path === ref.file)) ?? null
  if (ref.quantization) return files.find((f) => f.quantization === ref.quantization) ?? null
  return files.find((f) => f.quantization === 'Q4_K_M') ?? files[0] ?? null
}
