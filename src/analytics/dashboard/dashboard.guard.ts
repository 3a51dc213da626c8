import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthService } from '../../gateway/auth/auth.service';
import { hasScope } from '../../gateway/auth/scopes';
import { basicChallenge, parseBasicAuth } from '../../gateway/operator-console/basic-auth';
import { OPERATOR_REALM } from '../../gateway/operator-console/bull-board';
import { ProblemException } from '../../platform/http/problem';
import type { AuthenticatedRequest } from '../../platform/http/principal';

const CHALLENGE = basicChallenge(OPERATOR_REALM);

/**
 * Bull Board's sign-in for the dashboard: HTTP Basic, any user name, an API key holding
 * `platform:admin` as the password, refused attempts throttled per address. The principal is the
 * key's, so the dashboard shows the key's own workspace and no other.
 */
@Injectable()
export class DashboardGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credentials = parseBasicAuth(request.headers.authorization);
    if (credentials) {
      await this.throttled(await this.auth.consoleThrottle.blocked(request.ip));
      const principal = credentials.password.startsWith('pk_')
        ? await this.auth.fromApiKey(credentials.password).catch((err: unknown) => {
            if (err instanceof ProblemException && err.code === 'UNAUTHENTICATED') return undefined;
            throw err; // a database outage is a 503, not a refusal
          })
        : undefined;
      if (principal && hasScope(principal.scopes, 'platform:admin')) {
        request.principal = principal;
        return true;
      }
      await this.throttled(await this.auth.consoleThrottle.refused(request.ip));
    }
    throw new ProblemException(
      'UNAUTHENTICATED',
      credentials
        ? 'The credentials were not accepted: the dashboard is for platform operators'
        : 'Sign in with any username and an API key holding platform:admin as the password',
      { headers: { 'www-authenticate': CHALLENGE } },
    );
  }

  private throttled(wait: number | undefined): Promise<void> {
    if (wait === undefined) return Promise.resolve();
    throw new ProblemException(
      'RATE_LIMITED',
      'Too many refused sign-ins from this address; try again later',
      {
        headers: { 'Retry-After': String(wait) },
      },
    );
  }
}
