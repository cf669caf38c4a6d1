import { TOKEN_QUERY } from '../../../shared/bridge'

const STORAGE_KEY = 'arbor.token'

/**
 * The headless token: from the page URL's `?token=`, else from sessionStorage (then written
 * back into the URL, so a reload or a copied link keeps working).
 */
export function readToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get(TOKEN_QUERY)
  let stored: string | null = null
  try {
    if (fromUrl) sessionStorage.setItem(STORAGE_KEY, fromUrl)
    else stored = sessionStorage.getItem(STORAGE_KEY)
  } catch {
    // Storage can be disabled; the URL is enough then.
  }
  if (fromUrl) return fromUrl
  if (stored) {
    url.searchParams.set(TOKEN_QUERY, stored)
    window.history.replaceState(window.history.state, '', url)
    return stored
  }
  return ''
}
