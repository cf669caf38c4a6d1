import { formatBytes, formatCount, formatDuration } from '../../../shared/format'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { Fact } from './Fact'

const selectFacts = (s: AppState) => s.facts

/** What the GGUF header says about the selected model. */
export function ModelFactsPanel() {
  const facts = useArbor(selectFacts)
  if (!facts) return null
  return (
    <section className="panel" aria-labelledby="facts-title" data-testid="model-facts">
      <h2 id="facts-title">Model</h2>
      <dl className="facts two-col">
        <Fact label="File" testId="fact-fileName">
          <span title={facts.path}>{facts.fileName}</span>
        </Fact>
        {facts.name && (
          <Fact label="Name" testId="fact-name">
            {facts.name}
          </Fact>
        )}
        <Fact label="Architecture" testId="fact-architecture">
          {facts.architecture}
        </Fact>
        <Fact label="Parameters" testId="fact-parameters">
          {formatCount(facts.parameters)}
        </Fact>
        <Fact label="File type" testId="fact-fileType">
          {facts.fileType}
        </Fact>
        <Fact label="Bits per weight" testId="fact-bitsPerWeight">
          {facts.bitsPerWeight.toFixed(2)}
        </Fact>
        <Fact label="Layers" testId="fact-layers">
          {facts.layers}
        </Fact>
        <Fact label="Embedding size" testId="fact-embeddingSize">
          {facts.embeddingSize.toLocaleString('en-US')}
        </Fact>
        <Fact label="Attention heads" testId="fact-headCount">
          {facts.headCount}
        </Fact>
        <Fact label="KV heads" testId="fact-headCountKv">
          {facts.headCountKv}
        </Fact>
        <Fact label="Vocabulary" testId="fact-vocabSize">
          {facts.vocabSize.toLocaleString('en-US')}
        </Fact>
        <Fact label="Trained context" testId="fact-trainContextSize">
          {facts.trainContextSize.toLocaleString('en-US')} tokens
        </Fact>
        <Fact label="File size" testId="fact-fileBytes">
          {formatBytes(facts.fileBytes)}
        </Fact>
        <Fact label="Chat template" testId="fact-hasChatTemplate">
          {facts.hasChatTemplate ? 'yes' : 'no'}
        </Fact>
        <Fact label="Inspected in" testId="fact-inspectMs">
          {formatDuration(facts.inspectMs)}
        </Fact>
      </dl>
      {facts.warnings.length > 0 && (
        <ul className="warnings" data-testid="fact-warnings">
          {facts.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  )
}
