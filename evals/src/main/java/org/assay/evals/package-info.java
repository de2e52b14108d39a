/**
 * Assay evals. See ../README.md of this module for what belongs here.
 */
package org.assay.evals;
