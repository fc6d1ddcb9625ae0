/**
 * An entry of PIPELANE_TOKENS: a bare token, or `name=token` to give it a
 * name. The history names a request by its token's name (`api:ada`: the
 * person `ada` of pipelane.yaml when the name is theirs, which the rule
 * against self-approval uses), else by its position (`api:token1`); never by
 * its value.
 */
export interface ApiToken {
  name: string;
  secret: string;
}

const NAMED = /^([A-Za-z][\w.-]{0,63})=(.+)$/;

export function apiToken(entry: string, index: number): ApiToken {
  const named = NAMED.exec(entry);
  // A bare token that merely contains "=" (base64 padding) has too short a right-hand side to be a secret.
  if (named && named[2]!.length >= 16) return { name: named[1]!, secret: named[2]! };
  return { name: `token${index + 1}`, secret: entry };
}
