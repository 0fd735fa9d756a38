<?php
/*
 * Prints reference vectors computed by the real composer/semver, used by
 * src/composer-semver/composer-semver.spec.ts to pin the TypeScript port.
 *
 *   php scripts/generate-semver-vectors.php > src/composer-semver/__fixtures__/semver-vectors.json
 *
 * COMPOSER_SEMVER_AUTOLOAD may point at another autoloader (e.g. vendor/autoload.php);
 * the default is the Debian/Ubuntu php-composer-semver package.
 *
 * Output: {"normalize": [...], "stability": [...], "constraints": [...],
 *          "satisfies": [...], "compare": [...], "rsort": [...],
 *          "matchSpecific": [...], "versionCompare": [...], "multi": [...]}
 */

$autoload = getenv('COMPOSER_SEMVER_AUTOLOAD') ?: '/usr/share/php/Composer/Semver/autoload.php';
require $autoload;

use Composer\Semver\Constraint\Constraint;
use Composer\Semver\Constraint\MultiConstraint;
use Composer\Semver\Semver;
use Composer\Semver\VersionParser;

// Bound arithmetic can overflow into floats, whose string form depends on this setting.
ini_set('precision', '14');
// Keep stdout pure JSON even if PHP emits a notice.
ini_set('display_errors', 'stderr');

// Versions used both for normalisation vectors and the satisfies() cross product.
$versions = array(
    '0.0.0', '0.0.3', '0.0.4', '0.1.0-beta1', '0.3.0', '0.3.4', '0.3.5', '0.3.9', '0.4.0', '0.4.0-beta1',
    '1', '1.0', '1.0.0', '1.0.0.0', 'v1.0.0',
    '1.0.0-dev', '1.0.0-alpha', '1.0.0-alpha2', '1.0.0-beta1', '1.0.0-beta.3',
    '1.0.0-RC1', '1.0.0-rc2', '1.0.0-patch1', '1.0.0-p1', '1.0.0-pl2',
    '1.0.0-stable', '1.0.0-beta1-dev', '1.0.1', '1.0.x-dev', '1.x-dev',
    '1.2', '1.2.0', 'v1.2.3', '1.2.3', '1.2.3.4', '1.2.3+build', '1.2.3-beta1+meta',
    '1.2.4', '1.2.x-dev', '1.3.0-beta1', '1.3.0', '1.9.0', '1.99.0',
    '2.0', '2.0.0', '2.0.0-dev', '2.0.0-alpha2', '2.0.0-beta1', '2.0.0-beta2', '2.0.0-RC1',
    '2.0.0-patch1', '2.0.1', '2.1.0', '2.9.9', '2.x-dev',
    '3.0.0-alpha1', '3.0.0-dev', '3.0.0', '10.0.0', '99999.0.0',
    '2010.01.02', '2010.01.02.5',
    'dev-main', 'dev-master', 'master', 'dev-feature/x', 'dev-1.x', 'dev-fé',
);

// Normalisation-only inputs: spellings, aliases, flags and invalid strings.
$normalizeOnly = array(
    '0.1', '0.4.0', '1.0.0.1', 'V1.0.0', '1.0.0-a3', '1.0.0-b2', '1.0.0beta4', '1.0.0-rc.3', '1.0.0RC1',
    '1.0-RC1', '1.0.0-beta.1.2', '1.0.*-dev', '1.2.3+build.5', '1.2.99', '01.02.03', '2', '2.0.0-RC2',
    '2.99.99', '2010-01-02', '20100102', '2010-01-02-10-20-30', 'dev-Feature',
    '', ' ', 'foo', 'a', 'v', '1.0.0-meh', '1.0.0.0.0', '1.2.3.4.5', '123456.0', '1.0.0-', '1.0.0-dev-',
    '1.0.0+foo bar', 'feature-foo', 'feature-dev', 'foo.x-dev', '1.x', '1.*', '^1.0', '>=1.0', '1.0 ',
    ' 1.0.0 ', "1.0.0\n", "\t2.0\r\n", "1.0\f", '1.0.0@dev', '1.0.0@beta', '1.0.0@STABLE', '1.0@foo',
    '1.0.0 as 2.0.0', 'dev-main as 1.0.x-dev', '1.0 as foo', 'foo as 1.0', 'foo@dev as 1.0',
    'dev-', 'DEV-Main', 'trunk', 'default', 'Master', 'dev-master#abc', '1.0.0#abc',
    '1.0.0-STABLE', '1.0.0-Beta2', '1.0.0-ALPHA', '1.0.0-p', '1.0.0-pl', '1.0.0_beta1', '1.0.0.beta1',
    '1.0.0-beta-1', '1.0.0-beta1.dev', '1.0.0dev', '1.0.0.dev', '1.0.0-dev.1', '1.0.0-beta1-2', '1.0.0-0',
    '1.0.0-1', '1.0.0-rc1-dev', '1.0.0-patch1-dev', 'v1.0.0-RC1', '1.0.0.0-dev', '1.0.0.0-beta',
    '1.0.x', '1.0.X-dev', '1.0.*-DEV', 'v1.x-dev', 'v1.2.x-dev', '1.2.3.x-dev', '1.2.3.4.x-dev',
    '1.x.x-dev', '1-dev', '1.0-dev', '1.0.0.dev1', '2010.01.02-beta', '2010.01.02.123', '2010.01.02.1234',
    '20100102-203040', '20100102203040', '201001022030401', '2010-01-02T10:20', '10000.0.0', '100000.0.0',
    '1.0.0+', '1.0.0+build+more', '1.0,2.0', '1.0 2.0', 'dev-feature branch', "dev-a\nb",
    '0', '00', '0.0.0.0', '1.0.0-beta.1.2.3', '1.0.0-b.1', '1.0.0-alpha_1', '1.0.0-rc.1-dev',
    "1.0\u{00a0}", "\u{00a0}1.0", "1.0\u{2028}", "\u{feff}1.0", "1.0\v", "\x001.0\x00", "dev-a\u{2028}b",
);

$constraints = array(
    '*', '*.*', 'x', 'X.x', 'v*', '*@dev', '*@stable', '@dev', '@stable',
    '^2.0', '^0.3', '^0.0.3', '^0.0', '^0', '^1', '^1.2', '^1.2.3', '^1.2.3.4', '^v1.2', '^0.0.0',
    // Caret below 1.0: the first non-zero part is the one that may not change.
    '^0.3.5', '^0.3.4.1', '^0.1', '^0.3.0-beta1', '^0.0.4', '~0.3.5', '0.3.*', '>=0.3.5 <0.4',
    '^1.2.3-beta1', '^1.0@dev', '^1.0@beta', '^1.0@RC', '^1.0@stable', '^2.0@beta', '^2.0-beta',
    '^1.0.0+build', '^01.02', '^0.99999999999999999999', '^1.x-dev', '^2.0.x-dev',
    '~1.2', '~1.2.3', '~1', '~1.0@dev', '~2.0-beta', '~2.0.0-beta1', '~1.2.x-dev', '~1.x-dev', '~0.3',
    '~1.2.3.4', '~01.02.3', '~1.0.0-dev', '~1.0.0-p1',
    '1.2.*', '1.2.x', '1.x', '1.*', '1.*.*', '1.2.3.*', '0.*', '0.x', '2.*@dev', '1.0.*@dev', 'v1.*', '1.X',
    '1.0 - 2.0', '1.0.0 - 2.1.0', '1 - 2', '1.2 - 2.3.4', '1.0.0-beta1 - 2.0.0-RC1', '1.0.x-dev - 2.0',
    '1.0 - 2.0.0.0', '0 - 0.2', '1 - 2.0', '1.0  -  2.x-dev', 'v1.0 - v2.0', '1.0 - 2.0@dev',
    '>=1.0 <3.0', '>=1.0,<3.0', '>=1.0, <3.0', '>= 1.0 < 3.0', '>=1.0 , <3.0', '>1.0 <=2.0',
    '>=1.0 <2.0 || >=2.0 <3.0', '>=1.0 <2.0 || >=2.0 <3.0 || >=3.0 <4.0', '>=1.0 <dev-foo || >=dev-foo <3.0',
    '^1.0 || ^2.0', '^1.0 | ^2.0', '^1.0||^2.0', '1.0.0 || 2.0.0 || dev-main', '* || ^1.0', '* 1.0',
    '<2.0', '<2.0.0', '<2.0-beta', '<2.0@beta', '<=2.0', '<=1.2.3-beta', '<=1.2.3@dev', '<1.0.x-dev',
    '>2.0', '>2.0-RC1', '>=2.0', '>=2.0-beta', '>=1.0@dev', '>=1.0-RC1', '>=1.0-rc1', '>=1.0.0-patch1',
    '>=2010.01.01', '> 1.0', '<>1.2.3', '!=1.2.3', '!=dev-main', '!= 2.0', '!=1.0 !=2.0',
    '2.0.0', '=2.0.0', '==2.0.0', '== 2.0.0', '2.0.0-beta1', '1.2.3.4', 'v1.2', '1.2.3+build',
    'dev-main', '==dev-main', 'dev-master', 'master', 'dev-main#abc123', '1.0.x-dev#abc', '1.0.x-dev',
    'dev-feature/x', 'dev-1.x', 'foo-dev', 'feature/x-dev', 'dev-main as 1.0.0', '1.0.0 as 2.0.0',
    '>=dev-main', '<dev-main', 'dev-fé', '2.0.0@beta', '=2.0.0@dev', '>=2.0.0@RC',
    '0', '1.0.0-dev', '2.0.0-dev', '2.x-dev', "1.0\n 2.0",
    // OR'ed ranges merge only when both are exactly `>= a < b` and the first ends where the second starts.
    '>=1.0 <2.0 || >=2.0 <3.0 || 5.0.0', '5.0.0 || >=1.0 <2.0 || >=2.0 <3.0', '^1.0 || ^2.0 || 5.0.0 || ^5.0 || ^6.0',
    '>=1.0 <2.0 !=1.5 || >=2.0 <3.0', '>=1.0 <2.0 || >=2.0 <3.0 !=2.5', '>1.0 <2.0 || >=2.0 <3.0',
    '>=1.0 >2.0-dev || >=2.0 <3.0', '>=1.0 <2.0 || ==2.0-dev <3.0', '>=1.0 <2.0 || >=2.0 >3.0',
    // Upper bounds past PHP_INT_MAX become floats, printed with precision 14.
    '^9223372036854775806', '^9223372036854775807', '^104999999999999999999', '~9223372036854775807.1',
    '^' . str_repeat('9', 400),
    // Stability flags on comparisons, and flags, prefixes and modifiers in upper case.
    '==2.0.0@beta', '>=1.0-beta1@dev', '>=1.0@stable', '<2.0@stable', '>=1.0@STABLE', '^1.0@DEV', '>=1.0@Beta',
    'DEV-main#abc123', '1.0.X-DEV#abc', 'V*', 'V.x', '~V1.2', '~1.0-BETA1', '^V1.2', '^1.0-RC1', 'V1.0 - V2.0',
    '1.0-RC1 - 2.0-BETA2', 'foo/bar-dev',
);

$invalidConstraints = array(
    '', ' ', '^', '>=', '~', '||', '|', '^1.0 ||', '|| ^1.0', '>=1.0 <', '>=1.0,', 'foo', 'foo bar',
    '1.2.3.4.5', 'dev-', '@beta', '@foo', '~>1.0', '=>1.0', '>=foo', '1.0 - ', '- 1.0', '1.0 -- 2.0',
    '~1.2.3.4.x-dev', '^1.0 ^', '1.0,,2.0', '>= 1.0 , foo', '^1.0.0.0.0', '1.0.0-meh', 'x.1', '1.*.2',
    '^foo', '~foo', '>1.0 <2.0 foo', '1 - 2 - 3', '>=1.0@foo', '1.0@', '~1.0 as 2.0', '<=dev-',
    '^0.' . str_repeat('9', 30), "\f", 'dev-main#', '#abc',
    // PCRE and JS disagree on `\s`, `.` and `$` for these; the port must follow PCRE.
    "~1.0\n 2.0", "^1.0\n,2.0", "1.0.*\n 2.0", "1.0\n 2.0", "1.0 \r", "1.0#ref\n",
    "1.0\u{00a0}", "1.0\u{2028}", "\u{feff}1.0", ">=1.0\u{3000}<2.0", "dev-main\r",
    // Only ASCII letters, digits and "-./" make a sloppy `name-dev` branch.
    'fé-dev', 'foo+bar-dev',
);

$parser = new VersionParser();

/** @return array{ok: bool, value?: string, message?: string} */
function attempt(callable $fn)
{
    try {
        return array('ok' => true, 'value' => $fn());
    } catch (\UnexpectedValueException $e) {
        return array('ok' => false, 'message' => $e->getMessage());
    }
}

$output = array();

$normalize = array();
$stability = array();
$validVersions = array();
foreach (array_values(array_unique(array_merge($versions, $normalizeOnly))) as $input) {
    $result = attempt(function () use ($parser, $input) { return $parser->normalize($input); });
    if ($result['ok']) {
        $normalize[] = array('input' => $input, 'normalized' => $result['value']);
        $stability[] = array('version' => $result['value'], 'stability' => VersionParser::parseStability($result['value']));
    } else {
        $normalize[] = array('input' => $input, 'error' => true, 'message' => $result['message']);
    }
    $stability[] = array('version' => $input, 'stability' => VersionParser::parseStability($input));
}
foreach ($versions as $version) {
    $parser->normalize($version); // every satisfies() version must be valid
    $validVersions[] = $version;
}

$constraintVectors = array();
$validConstraints = array();
foreach (array_values(array_unique(array_merge($constraints, $invalidConstraints))) as $input) {
    try {
        $parsed = $parser->parseConstraints($input);
        $constraintVectors[] = array(
            'constraint' => $input,
            'valid' => true,
            'string' => (string) $parsed,
            'pretty' => $parsed->getPrettyString(),
        );
        $validConstraints[] = $input;
    } catch (\UnexpectedValueException $e) {
        $constraintVectors[] = array('constraint' => $input, 'valid' => false, 'message' => $e->getMessage());
    }
}

$satisfies = array();
foreach ($validConstraints as $constraint) {
    foreach ($validVersions as $version) {
        $satisfies[] = array(
            'version' => $version,
            'constraint' => $constraint,
            'result' => Semver::satisfies($version, $constraint),
        );
    }
}

// version_compare() on normalized versions, plus raw strings that probe its canonicalisation.
$compareInputs = array();
foreach ($versions as $i => $version) {
    if ($i % 2 === 0) {
        $compareInputs[] = $parser->normalize($version);
    }
}
$compareInputs = array_values(array_unique($compareInputs));
$rawCompareInputs = array(
    '', '1', '1.', '1..0', '.1', '1.0', '1-0', '1_0', '1+0', '1.0pl1', '1.0p1', '1.0patch', '1.0#1',
    '#1', '1.0a', '1.0alpha', '1.0b', '1.0bogus', '1.0RC1', '1.0rc1', '1.0Rc1', '1.0stable', '1.0dev',
    '1.0-dev', '1.0é', 'é1', '99999999999999999999', '99999999999999999998', '1.0.0.0-Beta',
);
$compare = array();
foreach (array($compareInputs, $rawCompareInputs) as $set) {
    foreach ($set as $a) {
        foreach ($set as $b) {
            $compare[] = array('a' => $a, 'b' => $b, 'result' => version_compare($a, $b));
        }
    }
}

// Semver::rsort() on deterministic shuffles of various sizes: the comparator is
// inconsistent for dev branches, so the exact order depends on zend_sort's paths.
$sortPool = array(
    'dev-main', '1.0.0', 'dev-feature', '2.0.0-beta1', '1.0', 'dev-master', '2.0.0', '1.2.3', 'dev-1.x',
    '0.3.5', '1.x-dev', '2.0.0-RC1', '10.0.0', 'dev-zeta', '1.0.0-patch1', 'v1.2.3', '2.0.x-dev',
    '1.0.0-alpha1', 'dev-alpha', '3.0.0', '0.0.1', '1.2.3.4', '2010.01.02', 'dev-trunk', '1.0.0-dev',
    '2.0', '1.10.0', '1.9.0', 'dev-b', '4.0.0-beta2',
);
$state = 20240601;
$nextRandom = function ($bound) use (&$state) {
    $state = ($state * 1103515245 + 12345) % 2147483648;
    return $state % $bound;
};
$rsort = array();
foreach (array(1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 20, 25, 30, 30, 30, 64, 1100) as $size) {
    $list = array();
    for ($i = 0; $i < $size; $i++) {
        $list[] = $sortPool[$nextRandom(count($sortPool))];
    }
    $rsort[] = array('versions' => $list, 'sorted' => Semver::rsort($list));
}

// Constraint::matchSpecific() and versionCompare() between single constraints of every operator,
// including pairs that parseConstraints() never builds (neither side `==`).
$operators = array('==', '!=', '<', '<=', '>', '>=');
$boundVersions = array('1.0.0.0', '2.0.0.0', '2.0.0.0-dev', 'dev-main', 'dev-foo');
$branchFlags = array(null, false, true);
$matchSpecific = array();
$versionCompare = array();
foreach ($operators as $operator) {
    foreach ($boundVersions as $version) {
        $constraint = new Constraint($operator, $version);
        foreach ($operators as $providerOperator) {
            foreach ($boundVersions as $providerVersion) {
                $provider = new Constraint($providerOperator, $providerVersion);
                foreach ($branchFlags as $compareBranches) {
                    $matchSpecific[] = array(
                        'constraint' => array($operator, $version),
                        'provider' => array($providerOperator, $providerVersion),
                        'compareBranches' => $compareBranches,
                        'result' => $compareBranches === null
                            ? $constraint->matchSpecific($provider)
                            : $constraint->matchSpecific($provider, $compareBranches),
                    );
                }
            }
        }
        foreach ($boundVersions as $other) {
            foreach ($branchFlags as $compareBranches) {
                $versionCompare[] = array(
                    'a' => $version,
                    'b' => $other,
                    'operator' => $operator,
                    'compareBranches' => $compareBranches,
                    'result' => $compareBranches === null
                        ? $constraint->versionCompare($version, $other, $operator)
                        : $constraint->versionCompare($version, $other, $operator, $compareBranches),
                );
            }
        }
    }
}

// MultiConstraint built directly from parsed parts: create() (merging OR'ed ranges) and the constructor.
$multiInputs = array(
    array(), array('^1.0'), array('^1.0', '^2.0'), array('>=1.0 <2.0', '>=2.0 <3.0'),
    array('>=1.0 <2.0', '>=2.0 <3.0', '>=3.0 <4.0'), array('>=1.0 <2.0', '5.0.0', '>=5.0 <6.0'),
);
$multi = array();
foreach ($multiInputs as $inputs) {
    $parts = array_map(function ($input) use ($parser) { return $parser->parseConstraints($input); }, $inputs);
    foreach (array(null, true, false) as $conjunctive) {
        foreach (array('create', 'new') as $via) {
            try {
                $built = $via === 'create'
                    ? ($conjunctive === null ? MultiConstraint::create($parts) : MultiConstraint::create($parts, $conjunctive))
                    : ($conjunctive === null ? new MultiConstraint($parts) : new MultiConstraint($parts, $conjunctive));
                $multi[] = array('constraints' => $inputs, 'conjunctive' => $conjunctive, 'via' => $via, 'string' => (string) $built);
            } catch (\InvalidArgumentException $e) {
                $multi[] = array('constraints' => $inputs, 'conjunctive' => $conjunctive, 'via' => $via, 'error' => true);
            }
        }
    }
}

$output = array(
    'normalize' => $normalize,
    'stability' => $stability,
    'constraints' => $constraintVectors,
    'satisfies' => $satisfies,
    'compare' => $compare,
    'rsort' => $rsort,
    'matchSpecific' => $matchSpecific,
    'versionCompare' => $versionCompare,
    'multi' => $multi,
);

// One vector per line keeps the fixture diffable.
$flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
$sections = array();
foreach ($output as $name => $vectors) {
    $lines = array_map(function ($vector) use ($flags) { return '    ' . json_encode($vector, $flags); }, $vectors);
    $sections[] = '  ' . json_encode($name) . ": [\n" . implode(",\n", $lines) . "\n  ]";
}
echo "{\n" . implode(",\n", $sections) . "\n}\n";
