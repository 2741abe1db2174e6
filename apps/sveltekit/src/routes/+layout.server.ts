import type { LayoutServerLoad } from "./$types";

// The header's "signed in as": the email only, never the whole user.
export const load: LayoutServerLoad = ({ locals }) => ({ email: locals.user?.email });
