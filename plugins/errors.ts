import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { GatewayError, type ErrorCode } from '../src/errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The code of the error this request was answered with, for metrics; undefined on success. */
    errorCode: ErrorCode | undefined
  }
}

/** The one place errors become responses: a stable code, a message for people, no stack. */
export default fp(async (app) => {
  app.decorateRequest('errorCode', undefined)
  app.setErrorHandler(function answerError (error: FastifyError | GatewayError, request, reply) {
    if (error instanceof GatewayError) {
      const log = error.statusCode >= 500 ? request.log.warn.bind(request.log) : request.log.info.bind(request.log)
      log({ errorCode: error.code, statusCode: error.statusCode, causeName: (error.cause as Error | undefined)?.name }, 'request rejected')
      request.errorCode = error.code
      if (error.challenge !== undefined) reply.header('www-authenticate', error.challenge)
      return reply.code(error.statusCode).send({ error: error.code, message: error.message })
    }
    if (error.validation !== undefined) {
      request.log.info({ errorCode: 'invalid_request' }, 'request rejected by schema')
      request.errorCode = 'invalid_request'
      return reply.code(400).send({ error: 'invalid_request', message: `Invalid request: ${error.message}` })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (body too large, bad content type, bad JSON).
      request.log.info({ errorCode: 'invalid_request', fastifyCode: error.code }, 'request rejected')
      request.errorCode = 'invalid_request'
      return reply.code(status).send({ error: 'invalid_request', message: error.message })
    }
    request.log.error({ errorName: error.name, stack: error.stack }, 'unexpected error')
    request.errorCode = 'internal_error'
    return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side' })
  })

  app.setNotFoundHandler(function answerNotFound (request, reply) {
    request.errorCode = 'not_found'
    reply.code(404).send({ error: 'not_found', message: 'No such route' })
  })
}, { name: 'errors' })
