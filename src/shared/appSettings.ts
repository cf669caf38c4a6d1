import { DEFAULT_OVERFLOW_POLICY, type CompactionOverrides, type OverflowPolicy } from './contextBudget'

/**
 * The user's app-wide choices, kept by the core in `settings.json` in Arbor's home, the same for the window,
 * headless mode and the CLI. A session may choose its own overflow policy; one that did not follows this one.
 */
export type AppSettings = CompactionOverrides & {
  /** What a turn that would not fit does in a session that chose nothing (see `OverflowPolicy`). */
  overflowPolicy: OverflowPolicy
  /** The OpenAI-compatible server starts with Arbor (it was running when Arbor quit). */
  apiAutoStart: boolean
  /** Its port; null: 1234, or the next free one. */
  apiPort: number | null
  /** The key its clients must send (Bearer); null: none (loopback only). */
  apiKey: string | null
  /** Web pages (origins, `http://host:port`) allowed to call the API from a browser (CORS); none by default. */
  apiCorsOrigins: string[]
  /** Each client's requests are recorded as a conversation tree (`api-<user>.jsonl` in the sessions folder). */
  apiRecord: boolean
  /** The Hugging Face token for gated and private models; null: `HF_TOKEN`, if set. Only sent to the Hub. */
  hfToken: string | null
  /** Load the model loaded last, with its settings, when Arbor starts. */
  reloadLastModel: boolean
  /** The server connected to last as the engine ("Connect to a server…"); its key is kept apart, sealed. */
  engineServer: { baseUrl: string; model: string | null } | null
  /** How long a server may take to answer a connection (and a request's headers). */
  engineConnectTimeoutSeconds: number
  /** How long an answer may wait for a byte from the server: before its first token and between tokens. */
  engineIdleTimeoutSeconds: number
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  overflowPolicy: DEFAULT_OVERFLOW_POLICY,
  reserveTokens: null,
  keepRecentTokens: null,
  apiAutoStart: false,
  apiPort: null,
  apiKey: null,
  apiCorsOrigins: [],
  apiRecord: true,
  hfToken: null,
  reloadLastModel: false,
  engineServer: null,
  engineConnectTimeoutSeconds: 10,
  engineIdleTimeoutSeconds: 120,
}

/** The largest compaction size a user may set (a million tokens: more than any context). */
export const MAX_COMPACTION_TOKENS = 1 << 20
