import { HttpStatus, type PipeTransform } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';

/** Query integer in [min, max]; anything else is a 400 with the parameter named. */
export const boundedInt = (name: string, min: number, max: number): PipeTransform<unknown, number> => ({
  transform: (value: unknown): number => {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  },
});
