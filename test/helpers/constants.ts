export const TEST_NAMESPACE = 'https://example.com'
export const TEST_SECRET = 'test-session-secret-that-is-long-enough-0123456789'
