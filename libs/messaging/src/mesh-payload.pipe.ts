import { Injectable, type PipeTransform } from '@nestjs/common';
import { FatalError } from './failures';
import { eventPayloadProblems, isEventMessage } from './payload-checks';

/**
 * The mesh's ValidationPipe: an event payload that decodes but breaks the rules derived from its proto schema
 * (ids that are not UUIDs, numbers out of range) fails with `invalid_payload`, which the transport dead-letters at
 * once — retrying cannot fix a bad payload. Anything that is not an event message (the context) passes untouched.
 */
@Injectable()
export class MeshPayloadPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (!isEventMessage(value)) return value;
    const problems = eventPayloadProblems(value);
    if (problems.length > 0) throw new FatalError(problems.slice(0, 5).join('; '), 'invalid_payload');
    return value;
  }
}
