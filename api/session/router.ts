import { Router } from 'express';
import { principalOf } from '../middleware/authenticate';
import { serve } from '../route';
import { sessionRoutes } from './routes';

export function sessionRouter(): Router {
  const router = Router();
  serve(router, sessionRoutes.currentKey, (_req, res) => {
    const { keyId, accountId, scopes } = principalOf(res);
    res.json({ keyId, accountId, scopes });
  });
  return router;
}
