import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const restrict = (paths, patterns = []) => ({
  'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message: `${name} is not allowed in this layer (see README "Architecture").` })), patterns }],
})
const electronAdapters = { group: ['**/electron/**'], message: 'Only the Electron entry uses src/main/electron: the core never sees Electron.' }
/** Behind the engine port: outside `core/engine` only its index (the port and the local engine) may be imported. */
const engineInternals = { group: ['**/engine/*', '!**/engine/index', '!**/shared/engine/*'], message: 'Use the engine port (core/engine/index.ts): its internals are node-llama-cpp’s side.' }
/** node-llama-cpp's types do not leak through re-exports or fields either: nothing outside the engine names them. */
const llamaTypeNames = {
  selector: 'TSTypeReference > Identifier[name=/^(Llama(Model|Context[A-Za-z]*|Chat[A-Za-z]*|Grammar[A-Za-z]*|Text|Embedding[A-Za-z]*|Completion)?|Gguf(Insights|FileInfo|TensorInfo|Metadata[A-Za-z]*)|ChatWrapper|ChatHistoryItem|ChatModelFunctions|Tokenizer)$/]',
  message: 'A node-llama-cpp type outside src/main/core/engine: go through the engine port and its plain data.',
}
const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto'], message: 'This layer runs in a browser: no Node built-ins.' }

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.cache/**', 'test-results/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Layers: shared is pure; the core never sees Electron (only the entry and its adapters in src/main/electron do);
  // only the engine sees node-llama-cpp.
  { files: ['src/shared/**'], rules: restrict(['electron', 'node-llama-cpp', 'react', 'ws'], [nodeBuiltins]) },
  { files: ['src/renderer/**'], rules: restrict(['electron', 'node-llama-cpp', 'ws'], [nodeBuiltins, { group: ['**/main/**'], message: 'The renderer talks to the core only through the contract.' }]) },
  {
    files: ['src/main/**', 'src/shared/**', 'src/renderer/**'],
    ignores: ['src/main/core/engine/**'],
    rules: { 'no-restricted-syntax': ['error', llamaTypeNames] },
  },
  { files: ['src/main/**'], ignores: ['src/main/core/engine/**', 'src/main/index.ts', 'src/main/electron/**'], rules: restrict(['electron', 'node-llama-cpp'], [electronAdapters, engineInternals]) },
  // Tests and benchmarks check the engine against node-llama-cpp directly, but never need Electron.
  { files: ['test/**', 'bench/**'], rules: restrict(['electron']) },
  { files: ['src/main/core/engine/**'], rules: restrict(['electron'], [electronAdapters]) },
  { files: ['src/main/index.ts', 'src/main/electron/**'], rules: restrict(['node-llama-cpp']) },
  { files: ['src/preload/**'], rules: restrict(['node-llama-cpp']) },
)
