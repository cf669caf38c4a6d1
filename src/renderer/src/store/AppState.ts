import type { ChatSlice } from './createChatSlice'
import type { FitSlice } from './createFitSlice'
import type { LoadSlice } from './createLoadSlice'
import type { ModelSlice } from './createModelSlice'
import type { SessionSlice } from './createSessionSlice'

/** The whole renderer state: one store made of typed slices. */
export type AppState = SessionSlice & ModelSlice & FitSlice & LoadSlice & ChatSlice
