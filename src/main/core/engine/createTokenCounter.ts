import { getArborLlama } from './getArborLlama'

/** A token counter for a model file, from its vocabulary alone (no weights are loaded). */
export async function createTokenCounter(path: string): Promise<{ count(text: string): number; dispose(): Promise<void> }> {
  const llama = await getArborLlama()
  const model = await llama.loadModel({ modelPath: path, vocabOnly: true })
  return { count: (text) => model.tokenize(text, false).length, dispose: () => model.dispose() }
}
