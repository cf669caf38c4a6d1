import type { ReactNode } from 'react'

export type FactProps = { label: string; testId?: string; children: ReactNode }

/** One labelled row of a `<dl>`. */
export function Fact({ label, testId, children }: FactProps) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  )
}
