import type { ExtensionLogLine } from '../../../shared/extensions/ExtensionInfo'

/** Longest line kept; the rest of a longer one (or of output that never ends a line) is dropped. */
const MAX_LINE = 4000

/** The last lines an extension logged, and the tail of its stderr (which explains a crash). */
export class HostLog {
  private readonly lines: ExtensionLogLine[] = []
  private stderr: string[] = []
  private partial = { stdout: '', stderr: '' }
  /** A line over the limit was logged cut: drop what follows of it until its end. */
  private skipping = { stdout: false, stderr: false }

  /** @param size Lines kept. Defaults to `200`. */
  constructor(private readonly size = 200) {}

  push(level: ExtensionLogLine['level'], text: string): void {
    this.lines.push({ at: Date.now(), level, text: text.slice(0, MAX_LINE) })
    if (this.lines.length > this.size) this.lines.shift()
  }

  /**
   * A raw chunk of the process's output: complete lines are logged, the rest waits for the next chunk, at most
   * `MAX_LINE` of it: output that never ends a line costs the core a bounded amount of work and memory per chunk.
   */
  output(stream: 'stdout' | 'stderr', chunk: string): void {
    const parts = chunk.split('\n')
    const rest = parts.pop() ?? ''
    for (const part of parts) {
      const line = this.skipping[stream] ? null : this.partial[stream] + part
      this.partial[stream] = ''
      this.skipping[stream] = false
      if (line !== null) this.line(stream, line)
    }
    if (this.skipping[stream]) return
    this.partial[stream] += rest.slice(0, MAX_LINE + 1)
    if (this.partial[stream].length > MAX_LINE) {
      this.line(stream, `${this.partial[stream].slice(0, MAX_LINE)} [… cut by Arbor]`)
      this.partial[stream] = ''
      this.skipping[stream] = true
    }
  }

  private line(stream: 'stdout' | 'stderr', line: string): void {
    this.push(stream, line)
    if (stream === 'stderr') this.stderr = [...this.stderr.slice(-19), line.slice(0, MAX_LINE)]
  }

  /** Forgets the stderr of a previous process. */
  newProcess(): void {
    this.stderr = []
    this.partial = { stdout: '', stderr: '' }
    this.skipping = { stdout: false, stderr: false }
  }

  all(): ExtensionLogLine[] {
    return [...this.lines]
  }

  stderrTail(): string[] {
    return [...this.stderr]
  }
}
