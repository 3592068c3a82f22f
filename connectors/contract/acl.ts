// The one reading of a document ACL (DESIGN §7) shared by sources that filter in process:
// absent = everyone who may use the source, [] = service callers only, else any named principal.

/**
 * Whether a caller with `principals` may read a document whose ACL is `acl`.
 * `principals` null/undefined is a service caller, who reads everything.
 */
export function mayRead(acl: readonly string[] | null | undefined, principals: readonly string[] | null | undefined): boolean {
  if (principals === null || principals === undefined) return true;
  if (acl === null || acl === undefined) return true;
  for (const principal of acl) {
    if (principals.includes(principal)) return true;
  }
  return false;
}
