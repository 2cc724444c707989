// The real jsonwebtoken, as src/stand-ins/jsonwebtoken.ts loads it (the package has no types here).
declare module 'jsonwebtoken/index.js' {
  const jsonwebtoken: { sign(payload: object, key: string, options: object): string }
  export default jsonwebtoken
  export function sign(payload: object, key: string, options: object): string
}
