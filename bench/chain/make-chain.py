#!/usr/bin/env python3
"""A linear chain of N species as SBML (written with python-libsbml):

    -> S1 -> S2 -> ... -> SN ->

one synthesis, N-1 conversions and one decay, each mass-action with its own rate constant
(N+1 reactions, N+1 parameters). Used by bench/chain/run-chain.sh to time loading, validation and
compilation of large models; the YAML twin is made with `pathway convert`.

usage: make-chain.py N OUT.xml
"""
import sys

import libsbml


def chain(n: int) -> libsbml.SBMLDocument:
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    m.setId(f"chain_{n}")
    m.setTimeUnits("second")
    m.setSubstanceUnits("mole")
    m.setExtentUnits("mole")
    m.setVolumeUnits("litre")
    c = m.createCompartment()
    c.setId("cell")
    c.setSize(1.0)
    c.setConstant(True)
    c.setSpatialDimensions(3)

    def species(i: int) -> str:
        return f"S{i}"

    for i in range(1, n + 1):
        s = m.createSpecies()
        s.setId(species(i))
        s.setCompartment("cell")
        s.setInitialConcentration(1.0 if i == 1 else 0.0)
        s.setHasOnlySubstanceUnits(False)
        s.setBoundaryCondition(False)
        s.setConstant(False)

    def reaction(rid: str, reactant: str | None, product: str | None, k: float) -> None:
        p = m.createParameter()
        p.setId(f"k_{rid}")
        p.setValue(k)
        p.setConstant(True)
        r = m.createReaction()
        r.setId(rid)
        r.setReversible(False)
        if reactant:
            ref = r.createReactant()
            ref.setSpecies(reactant)
            ref.setStoichiometry(1)
            ref.setConstant(True)
        if product:
            ref = r.createProduct()
            ref.setSpecies(product)
            ref.setStoichiometry(1)
            ref.setConstant(True)
        formula = f"cell * k_{rid}" + (f" * {reactant}" if reactant else "")
        r.createKineticLaw().setMath(libsbml.parseL3Formula(formula))

    reaction("synthesis", None, species(1), 1.0)
    for i in range(1, n):
        reaction(f"conversion_{i}", species(i), species(i + 1), 0.5 + (i % 7) * 0.1)
    reaction("decay", species(n), None, 0.2)
    return doc


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    doc = chain(n)
    if doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) > 0:
        doc.printErrors()
        sys.exit(1)
    if not libsbml.writeSBMLToFile(doc, sys.argv[2]):
        sys.exit(f"cannot write {sys.argv[2]}")


if __name__ == "__main__":
    main()
