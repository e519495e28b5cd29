"""Writes the SBML models of the stochastic-simulation benchmark (issue #13), in molecule counts.

usage: make-ssa-models.py BIOMD0000000009.xml OUT_DIR

- hf-counts.xml: Huang & Ferrell 1996 (BioModels BIOMD0000000009) with its compartment scaled so that
  E1 is one molecule: every concentration divided by [E1]0 = 3e-5 uM (MAPK and MAPKK 40,000 molecules),
  amounts in items, each reversible binding split into two irreversible mass-action reactions, and
  second-order rate constants multiplied by 3e-5 uM per molecule (first-order ones unchanged).
- cascade-counts.xml: a synthetic cascade of 100 phosphorylation cycles (501 species, 600 reactions):
  stage i's kinase X_i is phosphorylated by the active kinase of stage i-1 through a complex and
  dephosphorylated by its own phosphatase P_i through another.
"""
import os
import sys

import libsbml


def new_document():
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    m.setSubstanceUnits("item")
    m.setTimeUnits("second")
    m.setVolumeUnits("litre")
    m.setExtentUnits("item")
    c = m.createCompartment()
    c.setId("cell")
    c.setSize(1)
    c.setConstant(True)
    c.setSpatialDimensions(3)
    return doc, m


def add_species(m, sid, amount):
    s = m.createSpecies()
    s.setId(sid)
    s.setCompartment("cell")
    s.setInitialAmount(amount)
    s.setHasOnlySubstanceUnits(True)
    s.setBoundaryCondition(False)
    s.setConstant(False)


def add_reaction(m, rid, reactants, products, k_name, k_value):
    p = m.createParameter()
    p.setId(k_name)
    p.setValue(k_value)
    p.setConstant(True)
    r = m.createReaction()
    r.setId(rid)
    r.setReversible(False)
    for s in reactants:
        ref = r.createReactant()
        ref.setSpecies(s)
        ref.setStoichiometry(1)
        ref.setConstant(True)
    for s in products:
        ref = r.createProduct()
        ref.setSpecies(s)
        ref.setStoichiometry(1)
        ref.setConstant(True)
    law = r.createKineticLaw()
    law.setMath(libsbml.parseL3Formula(" * ".join([k_name] + reactants)))


def huang_ferrell(source, out):
    src = libsbml.readSBMLFromFile(source).getModel()
    unit = src.getSpecies("E1").getInitialConcentration()  # uM per molecule
    doc, m = new_document()
    m.setId("huang_ferrell_1996_counts")
    for s in src.getListOfSpecies():
        if src.getAssignmentRule(s.getId()) is not None:
            continue  # the normalised read-outs
        add_species(m, s.getId(), round(s.getInitialConcentration() / unit))
    for r in src.getListOfReactions():
        law = r.getKineticLaw()
        values = {p.getId(): p.getValue() for p in law.getListOfParameters()}
        reactants = [x.getSpecies() for x in r.getListOfReactants()]
        products = [x.getSpecies() for x in r.getListOfProducts()]
        formula = libsbml.formulaToL3String(law.getMath())
        # compartment * (a * S1 * S2 - d * C)  or  compartment * k * C
        body = formula.split("*", 1)[1].strip().strip("()")
        terms = [t.strip() for t in body.split("-")]
        def constant(term):
            names = [n.strip() for n in term.split("*")]
            return values[[n for n in names if n in values][0]]
        forward = constant(terms[0]) * unit ** (len(reactants) - 1)
        add_reaction(m, r.getId(), reactants, products, f"k_{r.getId()}", forward)
        if len(terms) == 2:
            backward = constant(terms[1]) * unit ** (len(products) - 1)
            add_reaction(m, r.getId() + "_back", products, reactants, f"k_{r.getId()}_back", backward)
    libsbml.writeSBMLToFile(doc, out)


def cascade(out, stages=100):
    doc, m = new_document()
    m.setId("cascade_counts")
    add_species(m, "E0", 20)
    for i in range(1, stages + 1):
        add_species(m, f"X{i}", 1000)
        add_species(m, f"Xp{i}", 0)
        add_species(m, f"C{i}", 0)
        add_species(m, f"P{i}", 100)
        add_species(m, f"D{i}", 0)
    for i in range(1, stages + 1):
        kinase = "E0" if i == 1 else f"Xp{i - 1}"
        add_reaction(m, f"bind{i}", [kinase, f"X{i}"], [f"C{i}"], f"k_bind{i}", 0.01)
        add_reaction(m, f"unbind{i}", [f"C{i}"], [kinase, f"X{i}"], f"k_unbind{i}", 1.0)
        add_reaction(m, f"cat{i}", [f"C{i}"], [kinase, f"Xp{i}"], f"k_cat{i}", 5.0)
        add_reaction(m, f"pbind{i}", [f"P{i}", f"Xp{i}"], [f"D{i}"], f"k_pbind{i}", 0.01)
        add_reaction(m, f"punbind{i}", [f"D{i}"], [f"P{i}", f"Xp{i}"], f"k_punbind{i}", 1.0)
        add_reaction(m, f"pcat{i}", [f"D{i}"], [f"P{i}", f"X{i}"], f"k_pcat{i}", 5.0)
    libsbml.writeSBMLToFile(doc, out)


if __name__ == "__main__":
    source, directory = sys.argv[1], sys.argv[2]
    huang_ferrell(source, os.path.join(directory, "hf-counts.xml"))
    cascade(os.path.join(directory, "cascade-counts.xml"))
