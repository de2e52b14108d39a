/**
 * Assay scaling. See ../README.md of this module for what belongs here.
 */
package org.assay.scaling;
