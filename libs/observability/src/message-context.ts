import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids of the request or event being handled; every log line written inside carries them. */
export interface MessageContext {
  correlationId: string;
  causationId?: string;
  eventId?: string;
  eventType?: string;
}

const storage = new AsyncLocalStorage<MessageContext>();

export const runWithMessageContext = <T>(context: MessageContext, fn: () => T): T => storage.run(context, fn);
export const currentMessageContext = (): MessageContext | undefined => storage.getStore();
