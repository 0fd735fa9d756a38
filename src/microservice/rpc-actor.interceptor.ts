import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { runAsActor } from '../common/actor-context';
import { RPC_ACTOR, RpcMessage } from '../auth/rpc-message';

/**
 * Runs a message handler as the actor the guard authenticated, so history and events name the
 * API key exactly as for HTTP. The handler runs when the observable is subscribed, hence the wrap.
 */
@Injectable()
export class RpcActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const message = context.switchToRpc().getData<RpcMessage & { [RPC_ACTOR]?: string }>();
    const actor = message[RPC_ACTOR] ?? 'system';
    return new Observable((subscriber) => runAsActor(actor, () => next.handle().subscribe(subscriber)));
  }
}
