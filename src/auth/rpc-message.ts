/**
 * The envelope of every microservice message: the credential, the route's parameters and its
 * body, validated like the HTTP request's (`@Payload('body')` takes the route's DTO).
 */
export interface RpcMessage {
  api_key?: unknown;
  params?: Record<string, unknown>;
  body?: unknown;
}

/** Where the guard leaves the authenticated actor for the RPC actor interceptor. */
export const RPC_ACTOR = Symbol('packyard:rpc-actor');
