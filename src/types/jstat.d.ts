// jstat ships no types; this declares the one function iovsim uses.
declare module 'jstat' {
  const jStat: {
    studentt: { inv(p: number, dof: number): number };
  };
  export default jStat;
}
