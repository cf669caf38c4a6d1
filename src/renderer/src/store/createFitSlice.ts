import type { StateCreator } from 'zustand'
import { isServedModel, type FitReport, type FitSettings, type LoadedModel } from '../../../shared/types'
import type { ArborClient } from '../api/ArborClient'
import type { AppState } from './AppState'

export type FitSlice = {
  /** What the fit controls show; null until the first estimate of the selected model. */
  fitSettings: FitSettings | null
  threads: number | null
  /** The user picked the thread count; otherwise it follows the report's `recommendedThreads`. */
  threadsChosen: boolean
  report: FitReport | null
  estimating: boolean
  /** Changes some settings and re-estimates (debounced). */
  setFit(change: Partial<FitSettings>): void
  setThreads(threads: number): void
  useRecommended(): void
  resetFit(): void
  /** Estimates the selected model: with `settings`, or with the core's recommendation, which then fills the controls. */
  estimateFit(path: string, settings?: FitSettings): Promise<void>
  /** Shows an already loaded model with the settings it was loaded with. */
  adoptLoadedModel(model: LoadedModel): void
}

/** How long the fit controls wait for the user to stop moving before estimating. */
const ESTIMATE_DEBOUNCE_MS = 100

export const createFitSlice =
  (client: ArborClient): StateCreator<AppState, [], [], FitSlice> =>
  (set, get) => {
    let timer: ReturnType<typeof setTimeout> | null = null
    // Bumped on every change; a response that is not the latest one is dropped.
    let generation = 0

    const schedule = () => {
      generation++
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = null
        const { selectedPath, fitSettings } = get()
        if (selectedPath && fitSettings) void get().estimateFit(selectedPath, fitSettings)
      }, ESTIMATE_DEBOUNCE_MS)
    }

    return {
      fitSettings: null,
      threads: null,
      threadsChosen: false,
      report: null,
      estimating: false,

      setFit(change) {
        const { fitSettings } = get()
        if (!fitSettings) return
        set({ fitSettings: { ...fitSettings, ...change } })
        schedule()
      },

      setThreads(threads) {
        set({ threads, threadsChosen: true })
      },

      useRecommended() {
        const report = get().report
        if (!report?.recommended) return
        set({ fitSettings: { ...report.recommended }, threads: report.recommendedThreads, threadsChosen: false })
        schedule()
      },

      resetFit() {
        generation++
        if (timer) clearTimeout(timer)
        timer = null
        set({ fitSettings: null, report: null, estimating: false, threadsChosen: false })
      },

      async estimateFit(path, settings) {
        const mine = ++generation
        set({ estimating: true })
        const result = await client.request('model.estimate', settings ? { path, settings } : { path })
        if (mine !== generation || get().selectedPath !== path) return
        set({ estimating: false })
        if (!result.ok) return get().showError(result.error, 'Estimating memory')
        const report = result.value
        set({
          report,
          ...(settings ? {} : { fitSettings: report.settings }),
          ...(get().threadsChosen ? {} : { threads: report.recommendedThreads }),
        })
      },

      adoptLoadedModel(model) {
        // A server's model is no file to pick or judge here: the picked file (if any) stays.
        if (isServedModel(model)) return
        const { threads, ...fit } = model.settings
        get().resetFit()
        set({ selectedPath: model.facts.path, facts: model.facts, fitSettings: fit, threads, threadsChosen: true })
        void get().estimateFit(model.facts.path, fit)
      },
    }
  }
