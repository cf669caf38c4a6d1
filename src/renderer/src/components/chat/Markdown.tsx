import 'katex/dist/katex.min.css'
import { memo, useRef, useState, type ComponentPropsWithoutRef } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import rehypeHighlight from 'rehype-highlight'
import rehypeKatex from 'rehype-katex'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'

/** Copies text to the clipboard, saying so for a moment. */
export function CopyButton({ text, label, testId }: { text: () => string; label: string; testId: string }) {
  const [copied, setCopied] = useState(false)
  const copy = () => {
    void navigator.clipboard?.writeText(text()).then(() => {
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    })
  }
  return (
    <button type="button" className="btn btn-small copy-button" data-testid={testId} onClick={copy} aria-label={label} title={label}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  )
}

/** A fenced code block: its language, a copy button, the highlighted code. */
function CodeBlock({ children, ...rest }: ComponentPropsWithoutRef<'pre'>) {
  const pre = useRef<HTMLPreElement>(null)
  const code = (children as { props?: { className?: string } } | undefined)?.props
  const language = /language-([\w+-]+)/.exec(code?.className ?? '')?.[1] ?? ''
  return (
    <div className="code-block" data-testid="code-block">
      <div className="code-block-head">
        <span className="code-block-language">{language || 'text'}</span>
        <CopyButton text={() => pre.current?.textContent ?? ''} label="Copy code" testId="copy-code" />
      </div>
      <pre ref={pre} {...rest}>
        {children}
      </pre>
    </div>
  )
}

const components: Components = {
  pre: CodeBlock,
  // Links open outside the app (the window opens http(s) links in the browser); others are not followed.
  a: ({ href, children }) =>
    href && /^(https?:|mailto:)/i.test(href) ? (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span className="link-unsafe">{children}</span>
    ),
  table: ({ children }) => (
    <div className="table-scroll">
      <table>{children}</table>
    </div>
  ),
}

const remarkPlugins = [remarkGfm, remarkMath]
const rehypePlugins = [rehypeKatex, [rehypeHighlight, { detect: false }]] as NonNullable<Parameters<typeof ReactMarkdown>[0]['rehypePlugins']>

/**
 * A message as markdown (GitHub's flavour, math with KaTeX, highlighted code). The model's raw HTML is never
 * rendered: react-markdown shows it as text, and `javascript:` links are dropped.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  )
})
