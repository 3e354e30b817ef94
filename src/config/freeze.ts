/** Freezes a config all the way down. URLs are left as they are: their state is internal, out of Object.freeze's reach. */
export function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof URL) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
