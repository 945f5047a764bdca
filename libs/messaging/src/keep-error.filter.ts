import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns unknown errors into a generic `{status: 'error'}`, losing the class the
 * transport classifies by (FatalError, BackendHttpError). This global catch-all hands the original error back;
 * more specific filters on a controller or method still run first.
 */
@Catch()
export class KeepErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
