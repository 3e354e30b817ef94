import { GatewayError } from '../errors.js'

/**
 * A store command, with any failure of the store (unreachable, timed out,
 * refused) as a 503 to retry: never a 500, and never a silent logout.
 */
export async function storeCall<T> (command: () => Promise<T>): Promise<T> {
  try {
    return await command()
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError('session_store_unavailable', 'The session store is unavailable; try again shortly', 503, { cause: error })
  }
}
