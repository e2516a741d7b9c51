/** Who is calling, as the bearer token says (never the request body). */
export interface Principal {
  userId: string;
  roles: string[];
}

export const isOperator = (principal: Principal) => principal.roles.includes('admin');
