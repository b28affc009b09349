// The in-memory limiter against the RateLimiter contract the PostgreSQL one passes too.
import { describeRateLimiterContract } from '../../testing/rate-limiter-contract.ts';
import { createMemoryRateLimiter } from './rate-limiter.ts';

describeRateLimiterContract('in memory', createMemoryRateLimiter);
