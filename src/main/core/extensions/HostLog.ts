import type { ExtensionLogLine } from '../../../shared/extensions/ExtensionInfo'

/** The last lines an extension logged, and the tail of its stderr (which explains a crash). */
export class HostLog {
  private readonly lines: ExtensionLogLine[] = []
  private stderr: string[] = []
  private partial = { stdout: '', stderr: '' }

  /** @param size Lines kept. Defaults to `200`. */
  constructor(private readonly size = 200) {}

  push(level: ExtensionLogLine['level'], text: string): void {
    this.lines.push({ at: Date.now(), level, text: text.slice(0, 4000) })
    if (this.lines.length > this.size) this.lines.shift()
  }

  /** A raw chunk of the process's output: complete lines are logged, the rest waits for the next chunk. */
  output(stream: 'stdout' | 'stderr', chunk: string): void {
    const parts = (this.partial[stream] + chunk).split('\n')
    this.partial[stream] = parts.pop() ?? ''
    for (const line of parts) {
      this.push(stream, line)
      if (stream === 'stderr') this.stderr = [...this.stderr.slice(-19), line]
    }
  }

  /** Forgets the stderr of a previous process. */
  newProcess(): void {
    this.stderr = []
    this.partial = { stdout: '', stderr: '' }
  }

  all(): ExtensionLogLine[] {
    return [...this.lines]
  }

  stderrTail(): string[] {
    return [...this.stderr]
  }
}
