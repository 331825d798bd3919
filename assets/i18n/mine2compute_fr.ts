<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Hashrate over time: the total (thick) and each mining core (thin). A gap means the node or the miner was stopped.</source>
        <translation>La puissance de calcul au fil du temps : le total (trait épais) et chaque cœur qui mine (trait fin). Un trou signifie que le nœud ou le mineur était arrêté.</translation>
    </message>
    <message>
        <source>Seconds between blocks. The dashed line is the target spacing; when blocks come faster, the next retarget raises the difficulty.</source>
        <translation>Secondes entre deux blocs. La ligne pointillée est l&apos;espacement visé ; quand les blocs arrivent plus vite, le prochain ajustement augmente la difficulté.</translation>
    </message>
    <message>
        <source>The difficulty written in each block&apos;s header (nBits). It changes only at retarget heights.</source>
        <translation>La difficulté inscrite dans l&apos;en-tête de chaque bloc (nBits). Elle ne change qu&apos;aux hauteurs d&apos;ajustement.</translation>
    </message>
    <message>
        <source>Block reward by height. Red lines mark the halvings.</source>
        <translation>Récompense de bloc selon la hauteur. Les lignes rouges marquent les halvings.</translation>
    </message>
    <message>
        <source>The most recent blocks, newest first, read from their headers.</source>
        <translation>Les blocs les plus récents, du plus récent au plus ancien, lus dans leurs en-têtes.</translation>
    </message>
    <message>
        <source>Hashrate</source>
        <translation>Puissance de calcul</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation>secondes depuis le début</translation>
    </message>
    <message>
        <source>total</source>
        <translation>total</translation>
    </message>
    <message>
        <source>core {n}</source>
        <translation>cœur {n}</translation>
    </message>
    <message>
        <source>Time between blocks</source>
        <translation>Temps entre les blocs</translation>
    </message>
    <message>
        <source>block height</source>
        <translation>hauteur de bloc</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>secondes</translation>
    </message>
    <message>
        <source>interval</source>
        <translation>intervalle</translation>
    </message>
    <message>
        <source>target</source>
        <translation>cible</translation>
    </message>
    <message>
        <source>Difficulty</source>
        <translation>Difficulté</translation>
    </message>
    <message>
        <source>difficulty</source>
        <translation>difficulté</translation>
    </message>
    <message>
        <source>block height · red lines: halvings</source>
        <translation>hauteur de bloc · lignes rouges : halvings</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Hauteur</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Hash</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>Intervalle</translation>
    </message>
    <message>
        <source>Recent blocks</source>
        <translation>Derniers blocs</translation>
    </message>
    <message>
        <source>halving {n}</source>
        <translation>halving {n}</translation>
    </message>
    <message>
        <source>Sizing the new lab chain to this computer…</source>
        <translation>Calibrage de la nouvelle chaîne du labo pour cet ordinateur…</translation>
    </message>
    <message>
        <source>Chain sized to {mhs:.1f} MH/s with the {kernel} kernel; starting the node…</source>
        <translation>Chaîne calibrée à {mhs:.1f} MH/s avec le noyau {kernel} ; démarrage du nœud…</translation>
    </message>
    <message>
        <source>Mining with the {kernel} kernel, the fastest here ({mhs:.1f} MH/s)</source>
        <translation>Minage avec le noyau {kernel}, le plus rapide ici ({mhs:.1f} MH/s)</translation>
    </message>
    <message>
        <source>Compiling the {kernel} kernel in this process instead ({why})…</source>
        <translation>Compilation du noyau {kernel} dans ce processus à la place ({why})…</translation>
    </message>
    <message>
        <source>Timing the {kernel} kernel while mining…</source>
        <translation>Chronométrage du noyau {kernel} pendant le minage…</translation>
    </message>
    <message>
        <source>Timing the kernels again while mining: {kernel} looks off here…</source>
        <translation>Nouveau chronométrage des noyaux pendant le minage : {kernel} semble mal choisi ici…</translation>
    </message>
    <message>
        <source>Kernel {kernel} failed ({why}); mining on with {mining}</source>
        <translation>Échec du noyau {kernel} ({why}) ; le minage continue avec {mining}</translation>
    </message>
    <message>
        <source>Mining with {mining}; compiling {names} in the background…</source>
        <translation>Minage avec {mining} ; compilation de {names} en arrière-plan…</translation>
    </message>
    <message>
        <source>Mining with {mining}; all kernels ready to be timed</source>
        <translation>Minage avec {mining} ; tous les noyaux sont prêts à être chronométrés</translation>
    </message>
    <message>
        <source>Could not prepare the SHA-256d kernels ({error}). Check that the cache folder is writable, or set MINE2COMPUTE_KERNEL=scalar.</source>
        <translation>Impossible de préparer les noyaux SHA-256d ({error}). Vérifiez que le dossier de cache est accessible en écriture, ou définissez MINE2COMPUTE_KERNEL=scalar.</translation>
    </message>
    <message>
        <source>Starting the node…</source>
        <translation>Démarrage du nœud…</translation>
    </message>
    <message>
        <source>Node ready at {url}</source>
        <translation>Nœud prêt à {url}</translation>
    </message>
    <message>
        <source>The AI jobs&apos; totals could not be read, so they start from zero: {error}</source>
        <translation>Les totaux des tâches IA n&apos;ont pas pu être lus, ils repartent de zéro : {error}</translation>
    </message>
    <message>
        <source>Mining with the {kernel} kernel</source>
        <translation>Minage avec le noyau {kernel}</translation>
    </message>
    <message>
        <source>Node unreachable ({error}); retrying in {s:.0f} s</source>
        <translation>Nœud injoignable ({error}) ; nouvel essai dans {s:.0f} s</translation>
    </message>
    <message>
        <source>AI billing not updated: {error}</source>
        <translation>Facturation de l&apos;IA non mise à jour : {error}</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>Scénario</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Reset to preset</source>
        <translation>Revenir au préréglage</translation>
    </message>
    <message>
        <source>Lab chain = the network</source>
        <translation>Chaîne du labo = le réseau</translation>
    </message>
    <message>
        <source>Site follows the cores (everyone converting like us)</source>
        <translation>Le site suit les cœurs (tout le monde se convertit comme nous)</translation>
    </message>
    <message>
        <source>Read aloud</source>
        <translation>À lire à voix haute</translation>
    </message>
    <message>
        <source>The scenario&apos;s story in words a class can follow.</source>
        <translation>L&apos;histoire du scénario, en mots qu&apos;une classe peut suivre.</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>More</source>
        <translation>Autres</translation>
    </message>
    <message>
        <source>Preset figures: the lab has not reported yet.</source>
        <translation>Chiffres du préréglage : le labo n&apos;a encore rien transmis.</translation>
    </message>
    <message>
        <source>Hashprice</source>
        <translation>Prix du hash</translation>
    </message>
    <message>
        <source>Break-even power price</source>
        <translation>Électricité au point mort</translation>
    </message>
    <message>
        <source>Site profit per day</source>
        <translation>Bénéfice du site par jour</translation>
    </message>
    <message>
        <source>Bitcoin network</source>
        <translation>Réseau Bitcoin</translation>
    </message>
    <message>
        <source>world today: {today} / like the lab: {lab}</source>
        <translation>le monde aujourd&apos;hui : {today} / comme le labo : {lab}</translation>
    </message>
    <message>
        <source>per MW-year, world today: mining {mining_today}, AI {ai_today} / like the lab: mining {mining}, AI {ai}</source>
        <translation>par MW-an, aujourd&apos;hui : minage {mining_today}, IA {ai_today} / comme le labo : minage {mining}, IA {ai}</translation>
    </message>
    <message>
        <source>{today} today / {lab} like the lab</source>
        <translation>{today} aujourd&apos;hui / {lab} comme le labo</translation>
    </message>
    <message>
        <source>difficulty {difficulty} · subsidy {subsidy} + fees {fees} BTC · BTC {price}</source>
        <translation>difficulté {difficulty} · subvention {subsidy} + frais {fees} BTC · BTC {price}</translation>
    </message>
    <message>
        <source>Your site: mining or AI</source>
        <translation>Votre site : minage ou IA</translation>
    </message>
    <message>
        <source>The network: if miners leave</source>
        <translation>Si les mineurs partent</translation>
    </message>
    <message>
        <source>Decisions: price, power, horizon</source>
        <translation>Décisions : prix, électricité, horizon</translation>
    </message>
    <message>
        <source>⚠  Could not load {error}</source>
        <translation>⚠  Chargement impossible : {error}</translation>
    </message>
    <message>
        <source>  (your copy)</source>
        <translation>  (votre copie)</translation>
    </message>
    <message>
        <source>No scenario could be loaded; see the errors above.</source>
        <translation>Aucun scénario n&apos;a pu être chargé ; voir les erreurs ci-dessus.</translation>
    </message>
    <message>
        <source>{name}: allowed {range}.
Source: {source}</source>
        <translation>{name} : autorisé {range}.
Source : {source}</translation>
    </message>
    <message>
        <source>You changed it; the preset says {value}.</source>
        <translation>Vous l&apos;avez modifié ; le préréglage indique {value}.</translation>
    </message>
    <message>
        <source>{n}%</source>
        <translation>{n}&#x202f;%</translation>
    </message>
    <message>
        <source>The lab&apos;s state could not be read ({error}); showing the preset figures.</source>
        <translation>L&apos;état du labo n&apos;a pas pu être lu ({error}) ; chiffres du préréglage affichés.</translation>
    </message>
    <message>
        <source>The model cannot use these numbers: {error}</source>
        <translation>Le modèle ne peut pas utiliser ces nombres : {error}</translation>
    </message>
    <message>
        <source>per PH/s per day ({sats} sats)</source>
        <translation>par PH/s et par jour ({sats} sats)</translation>
    </message>
    <message>
        <source>for {eff} J/TH machines; at {price} /kWh a PH/s earns {margin} a day after power</source>
        <translation>pour des machines à {eff} J/TH ; à {price} /kWh, un PH/s gagne {margin} par jour après l&apos;électricité</translation>
    </message>
    <message>
        <source>for {eff} J/TH machines; at {price} /kWh a PH/s loses {margin} a day after power</source>
        <translation>pour des machines à {eff} J/TH ; à {price} /kWh, un PH/s perd {margin} par jour après l&apos;électricité</translation>
    </message>
    <message>
        <source>per MW-year: mining {mining}, AI {ai}</source>
        <translation>par MW et par an : minage {mining}, IA {ai}</translation>
    </message>
    <message>
        <source>; AI earns after {n} months of building</source>
        <translation> ; l&apos;IA rapporte après {n} mois de travaux</translation>
    </message>
    <message>
        <source>Preset figures: the lab has not reported yet. Once it runs, its chain stands for the Bitcoin network and your site lives inside it.</source>
        <translation>Chiffres du préréglage : le labo n&apos;a encore rien transmis. Dès qu&apos;il tourne, sa chaîne représente le réseau Bitcoin et votre site vit à l&apos;intérieur.</translation>
    </message>
    <message>
        <source>Preset figures: following the lab is switched off.</source>
        <translation>Chiffres du préréglage : le suivi du labo est désactivé.</translation>
    </message>
    <message>
        <source>● The lab chain is the network in miniature ({compression}). Height {height}: </source>
        <translation>● La chaîne du labo est le réseau en miniature ({compression}). Hauteur {height} : </translation>
    </message>
    <message numerus="yes">
        <source>%n halving(s) so far (the {years} halving(s); subsidy {subsidy} BTC)</source>
        <translation>
            <numerusform>%n halving jusqu&apos;ici (le halving de {years} ; subvention {subsidy} BTC)</numerusform>
            <numerusform>%n halvings jusqu&apos;ici (les halvings de {years} ; subvention {subsidy} BTC)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>next halving ({year}) in %n block(s)</source>
        <translation>
            <numerusform>prochain halving ({year}) dans %n bloc</numerusform>
            <numerusform>prochain halving ({year}) dans %n blocs</numerusform>
        </translation>
    </message>
    <message>
        <source>difficulty ×{ratio} since the chain&apos;s start (luck alone: ×{low}–{high}, ±{sigma}% per retarget)</source>
        <translation>difficulté ×{ratio} depuis le début de la chaîne (le hasard seul : ×{low}–{high}, ±{sigma}&#x202f;% par ajustement)</translation>
    </message>
    <message>
        <source>everyone converting like us</source>
        <translation>tout le monde se convertit comme nous</translation>
    </message>
    <message>
        <source>the rest of the industry; your site keeps its own split</source>
        <translation>le reste de l&apos;industrie ; votre site garde sa propre répartition</translation>
    </message>
    <message>
        <source>{mining} of {total} cores mine, {ai} run AI: {who}. Your {site} MW site ({share}% of the world) mines {mining_mw} MW, AI {ai_mw} MW; on its own that moves world difficulty {change}%</source>
        <translation>{mining} cœurs sur {total} minent, {ai} font de l&apos;IA : {who}. Votre site de {site} MW ({share}&#x202f;% du monde) mine avec {mining_mw} MW, IA {ai_mw} MW ; à lui seul il fait varier la difficulté mondiale de {change}&#x202f;%</translation>
    </message>
    <message>
        <source>; the AI hall&apos;s measured uptime {uptime}%</source>
        <translation> ; disponibilité mesurée de la salle IA {uptime}&#x202f;%</translation>
    </message>
    <message>
        <source>network difficulty</source>
        <translation>difficulté du réseau</translation>
    </message>
    <message>
        <source>block subsidy</source>
        <translation>subvention de bloc</translation>
    </message>
    <message>
        <source>fees per block</source>
        <translation>frais par bloc</translation>
    </message>
    <message>
        <source>BTC price</source>
        <translation>prix du BTC</translation>
    </message>
    <message>
        <source>ASIC efficiency</source>
        <translation>efficacité des ASIC</translation>
    </message>
    <message>
        <source>power price</source>
        <translation>prix de l&apos;électricité</translation>
    </message>
    <message>
        <source>mining power</source>
        <translation>puissance de minage</translation>
    </message>
    <message>
        <source>power converted to AI (facility)</source>
        <translation>puissance convertie à l&apos;IA (installation)</translation>
    </message>
    <message>
        <source>mining site capex (no machines)</source>
        <translation>investissement du site de minage (hors machines)</translation>
    </message>
    <message>
        <source>mining site write-off</source>
        <translation>amortissement du site de minage</translation>
    </message>
    <message>
        <source>ASIC machines&apos; write-off</source>
        <translation>amortissement des machines ASIC</translation>
    </message>
    <message>
        <source>share of time mining runs</source>
        <translation>part du temps où le minage tourne</translation>
    </message>
    <message>
        <source>credit for curtailed MWh</source>
        <translation>crédit par MWh effacé</translation>
    </message>
    <message>
        <source>PUE of the AI hall</source>
        <translation>PUE de la salle IA</translation>
    </message>
    <message>
        <source>AI data-centre shell capex</source>
        <translation>investissement du bâtiment de centre de données IA</translation>
    </message>
    <message>
        <source>AI shell write-off</source>
        <translation>amortissement du bâtiment IA</translation>
    </message>
    <message>
        <source>colocation lease</source>
        <translation>loyer d&apos;hébergement</translation>
    </message>
    <message>
        <source>lease operating margin</source>
        <translation>marge d&apos;exploitation du loyer</translation>
    </message>
    <message>
        <source>GPU capex</source>
        <translation>investissement GPU</translation>
    </message>
    <message>
        <source>GPU write-off</source>
        <translation>amortissement des GPU</translation>
    </message>
    <message>
        <source>GPU rental price</source>
        <translation>prix de location d&apos;un GPU</translation>
    </message>
    <message>
        <source>power per GPU, all-in</source>
        <translation>puissance par GPU, tout compris</translation>
    </message>
    <message>
        <source>share of GPU-hours sold</source>
        <translation>part des heures GPU vendues</translation>
    </message>
    <message>
        <source>other GPU-cloud costs, share of revenue</source>
        <translation>autres coûts du cloud GPU, part du chiffre d&apos;affaires</translation>
    </message>
    <message>
        <source>availability the AI hall achieves</source>
        <translation>disponibilité atteinte par la salle IA</translation>
    </message>
    <message>
        <source>availability promised to the AI tenant</source>
        <translation>disponibilité promise au locataire IA</translation>
    </message>
    <message>
        <source>hours of revenue refunded per hour below the SLA</source>
        <translation>heures de revenu remboursées par heure sous le SLA</translation>
    </message>
    <message>
        <source>conversion time</source>
        <translation>durée de conversion</translation>
    </message>
    <message>
        <source>share of network hashrate that switches off</source>
        <translation>part de la puissance du réseau qui s&apos;éteint</translation>
    </message>
    <message>
        <source>ASIC machines&apos; price</source>
        <translation>prix des machines ASIC</translation>
    </message>
    <message>
        <source>difficulty growth per month</source>
        <translation>croissance de la difficulté par mois</translation>
    </message>
    <message>
        <source>BTC price change per year</source>
        <translation>variation du prix du BTC par an</translation>
    </message>
    <message>
        <source>months to the next real halving</source>
        <translation>mois jusqu&apos;au prochain vrai halving</translation>
    </message>
    <message>
        <source>horizon of the keep-mining-or-convert decision</source>
        <translation>horizon de la décision : continuer à miner ou convertir</translation>
    </message>
    <message>
        <source>discount rate for NPV</source>
        <translation>taux d&apos;actualisation pour la VAN</translation>
    </message>
    <message>
        <source>rented hashrate&apos;s premium over hashprice</source>
        <translation>prime de la puissance louée sur le prix du hash</translation>
    </message>
    <message>
        <source>Each scenario is a real moment of the 2024-2025 story, with every number citing where it comes from. Pick one, read its explanation aloud, then change the numbers.</source>
        <translation>Chaque scénario est un moment réel de l&apos;histoire de 2024-2025, chaque nombre citant sa source. Choisissez-en un, lisez son explication à voix haute, puis changez les nombres.</translation>
    </message>
    <message>
        <source>Read the scenario files again (after you edited your own copy).</source>
        <translation>Relire les fichiers de scénario (après avoir modifié votre propre copie).</translation>
    </message>
    <message>
        <source>Put every number back to the scenario&apos;s published values.</source>
        <translation>Remettre chaque nombre aux valeurs publiées du scénario.</translation>
    </message>
    <message>
        <source>When ticked, the lab chain is the Bitcoin network in miniature: its halvings are real halvings (2028, 2032, ...) and its difficulty, against its own start, scales the world&apos;s. Every core mining on it is an equal share of the world&apos;s hashrate.</source>
        <translation>Cochée, la chaîne du labo est le réseau Bitcoin en miniature : ses halvings sont de vrais halvings (2028, 2032…) et sa difficulté, rapportée à son propre départ, met à l&apos;échelle celle du monde. Chaque cœur qui mine dessus est une part égale de la puissance mondiale.</translation>
    </message>
    <message>
        <source>When ticked, your site&apos;s mining/AI split follows the cores: the lab is then everyone converting like us. When not, the site keeps the scenario&apos;s split and moving cores is the rest of the industry converting.</source>
        <translation>Cochée, la répartition minage/IA de votre site suit les cœurs : le labo est alors tout le monde se convertissant comme nous. Sinon, le site garde la répartition du scénario et déplacer des cœurs, c&apos;est le reste de l&apos;industrie qui se convertit.</translation>
    </message>
    <message>
        <source>The lab chain is the Bitcoin network in miniature: every core mining on it stands for an equal share of the world&apos;s hashrate, so moving cores to AI is the whole industry converting, and the retarget that follows lowers the world&apos;s difficulty so the miners who stay earn more per hash. Your site is one named actor of fixed size inside that world (1 GW is about 4% of it), so its own choice moves world difficulty only by its share, and its profit is shown both in the world as it is today and in a world that shrank like the lab.</source>
        <translation>La chaîne du labo est le réseau Bitcoin en miniature : chaque cœur qui mine dessus représente une part égale de la puissance mondiale, donc déplacer des cœurs vers l&apos;IA, c&apos;est toute l&apos;industrie qui se convertit, et l&apos;ajustement qui suit abaisse la difficulté mondiale, si bien que les mineurs qui restent gagnent plus par hash. Votre site est un acteur nommé, de taille fixe, dans ce monde (1 GW en représente environ 4&#x202f;%) : son propre choix ne fait varier la difficulté mondiale qu&apos;à hauteur de sa part, et son bénéfice est montré à la fois dans le monde tel qu&apos;il est aujourd&apos;hui et dans un monde qui aurait rétréci comme le labo.</translation>
    </message>
    <message>
        <source>Hashprice: how many dollars one petahash per second of mining machines earns in a day. It falls when the block reward halves or the difficulty rises, and rises with the bitcoin price.</source>
        <translation>Prix du hash : combien de dollars rapporte en un jour un pétahash par seconde de machines de minage. Il baisse quand la récompense de bloc est divisée par deux ou que la difficulté monte, et monte avec le prix du bitcoin.</translation>
    </message>
    <message>
        <source>Break-even power price: the electricity price at which these machines earn exactly their power bill. A miner paying more than this loses money on every block it tries to find.</source>
        <translation>Prix de l&apos;électricité au point mort : le prix auquel ces machines gagnent exactement leur facture d&apos;électricité. Un mineur qui paie plus cher perd de l&apos;argent sur chaque bloc qu&apos;il tente de trouver.</translation>
    </message>
    <message>
        <source>The whole site&apos;s profit per day: what the mining half and the AI half earn, minus power, running costs and the cost of the buildings and machines spread over their lifetime.</source>
        <translation>Le bénéfice du site entier par jour : ce que gagnent la moitié minage et la moitié IA, moins l&apos;électricité, les frais d&apos;exploitation et le coût des bâtiments et des machines réparti sur leur durée de vie.</translation>
    </message>
    <message>
        <source>The whole Bitcoin network: its total computing power in exahashes per second (a billion billion guesses every second), worked out from the difficulty.</source>
        <translation>Tout le réseau Bitcoin : sa puissance de calcul totale en exahashes par seconde (un milliard de milliards d&apos;essais chaque seconde), déduite de la difficulté.</translation>
    </message>
    <message>
        <source>What one kilowatt-hour drawn from the grid earns: burnt in mining machines, rented to an AI tenant as a colocation lease (the tenant pays the power on top), or sold as GPU hours. The AI hall loses some power to cooling (PUE), so its figures are per grid kWh too; the bars&apos; labels give this scenario&apos;s multiples of mining.</source>
        <translation>Ce que rapporte un kilowattheure tiré du réseau : brûlé dans des machines de minage, loué à un locataire IA en loyer d&apos;hébergement (le locataire paie l&apos;électricité en plus), ou vendu en heures de GPU. La salle IA perd un peu d&apos;électricité en refroidissement (PUE), donc ses chiffres sont aussi par kWh du réseau ; les étiquettes des barres donnent les multiples du minage pour ce scénario.</translation>
    </message>
    <message>
        <source>The site&apos;s money per day, split between the megawatts still mining (orange) and the megawatts converted to AI (teal). Costs include power, running costs and the buildings and machines spread over their lifetime.</source>
        <translation>L&apos;argent du site par jour, réparti entre les mégawatts qui minent encore (orange) et ceux convertis à l&apos;IA (turquoise). Les coûts comprennent l&apos;électricité, l&apos;exploitation, et les bâtiments et machines répartis sur leur durée de vie.</translation>
    </message>
    <message>
        <source>If a share of the world&apos;s miners switch off, the next difficulty adjustment makes the puzzle easier, so the miners who stay earn more per hash. The adjustment can ease at most 4 times at once: beyond 75% leaving the curve is flat.</source>
        <translation>Si une part des mineurs du monde s&apos;éteint, le prochain ajustement de difficulté rend le problème plus facile, et les mineurs qui restent gagnent plus par hash. L&apos;ajustement peut au plus diviser par 4 d&apos;un coup : au-delà de 75&#x202f;% de départs, la courbe est plate.</translation>
    </message>
    <message>
        <source>Drag to choose the share of the world&apos;s hashrate that switches off, for example because miners turned their power over to AI.</source>
        <translation>Faites glisser pour choisir la part de la puissance mondiale qui s&apos;éteint, par exemple parce que des mineurs ont donné leur électricité à l&apos;IA.</translation>
    </message>
    <message>
        <source>Until the next difficulty adjustment the puzzle stays as hard, so with fewer machines blocks come more slowly than every 10 minutes.</source>
        <translation>Jusqu&apos;au prochain ajustement de difficulté, le problème reste aussi dur : avec moins de machines, les blocs arrivent plus lentement que toutes les 10 minutes.</translation>
    </message>
    <message>
        <source>The difficulty after the next adjustment: Bitcoin makes the puzzle easier so that blocks come every 10 minutes again (at most 4 times easier at once).</source>
        <translation>La difficulté après le prochain ajustement : Bitcoin facilite le problème pour que les blocs reviennent toutes les 10 minutes (au plus 4 fois plus facile d&apos;un coup).</translation>
    </message>
    <message>
        <source>What the miners who stay earn per petahash per day, before and after the adjustment: the same reward is shared among fewer machines.</source>
        <translation>Ce que gagnent par pétahash et par jour les mineurs qui restent, avant et après l&apos;ajustement : la même récompense partagée entre moins de machines.</translation>
    </message>
    <message>
        <source>The whole network&apos;s computing power before and after the miners leave, in exahashes per second (a billion billion guesses every second).</source>
        <translation>La puissance de calcul du réseau entier avant et après le départ des mineurs, en exahashes par seconde (un milliard de milliards d&apos;essais chaque seconde).</translation>
    </message>
    <message>
        <source>To rewrite recent blocks an attacker needs more computing power than everyone else together (a 51% attack). Renting that much for one hour costs about this: right after miners leave it is cheaper, but once difficulty retargets it costs the same as before. No market rents a majority of Bitcoin&apos;s hashrate: a bound.</source>
        <translation>Pour réécrire des blocs récents, un attaquant a besoin de plus de puissance que tous les autres réunis (une attaque à 51&#x202f;%). Louer autant pendant une heure coûte à peu près ceci : juste après le départ de mineurs c&apos;est moins cher, mais une fois la difficulté ajustée cela coûte autant qu&apos;avant. Aucun marché ne loue la majorité de la puissance de Bitcoin : c&apos;est une borne.</translation>
    </message>
    <message>
        <source>Buying machines as powerful as the whole honest network, plus a day of electricity to run them. When miners leave, an attacker needs less hardware.</source>
        <translation>Acheter des machines aussi puissantes que tout le réseau honnête, plus une journée d&apos;électricité pour les faire tourner. Quand des mineurs partent, un attaquant a besoin de moins de matériel.</translation>
    </message>
    <message>
        <source>Profit per megawatt-year for mining and for AI as the bitcoin price changes; the line marks the price at which mining earns what AI earns.</source>
        <translation>Bénéfice par mégawatt-an du minage et de l&apos;IA selon le prix du bitcoin ; la ligne marque le prix auquel le minage gagne autant que l&apos;IA.</translation>
    </message>
    <message>
        <source>Profit per megawatt-year as the power price changes. A colocation tenant pays its own power, so the lease does not move; mining falls as power gets dearer.</source>
        <translation>Bénéfice par mégawatt-an selon le prix de l&apos;électricité. Un locataire hébergé paie sa propre électricité, donc le loyer ne bouge pas ; le minage baisse quand l&apos;électricité renchérit.</translation>
    </message>
    <message>
        <source>One megawatt over the coming months: buy new machines and keep mining, or build an AI hall and lease it. Difficulty keeps growing, the next real halving cuts the reward; the lines show the cash after the upfront spend.</source>
        <translation>Un mégawatt sur les mois à venir : acheter de nouvelles machines et continuer à miner, ou construire une salle IA et la louer. La difficulté continue de croître, le prochain vrai halving réduit la récompense ; les courbes montrent la trésorerie après la dépense initiale.</translation>
    </message>
    <message>
        <source>Every number the model uses. Hover over one to see where it comes from. Values outside the sensible range are refused with a message.</source>
        <translation>Chaque nombre utilisé par le modèle. Survolez-en un pour voir sa source. Les valeurs hors de la plage raisonnable sont refusées avec un message.</translation>
    </message>
    <message>
        <source>Mining</source>
        <translation>Minage</translation>
    </message>
    <message>
        <source>AI hall</source>
        <translation>Salle IA</translation>
    </message>
    <message>
        <source>GPU cloud</source>
        <translation>Cloud GPU</translation>
    </message>
    <message>
        <source>Network view</source>
        <translation>Vue réseau</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Décisions</translation>
    </message>
    <message>
        <source> years</source>
        <translation> ans</translation>
    </message>
    <message>
        <source> months</source>
        <translation> mois</translation>
    </message>
    <message>
        <source>T</source>
        <comment>money: trillion</comment>
        <translation>T</translation>
    </message>
    <message>
        <source>B</source>
        <comment>money: billion</comment>
        <translation>Md</translation>
    </message>
    <message>
        <source>M</source>
        <comment>money: million</comment>
        <translation>M</translation>
    </message>
    <message>
        <source>k</source>
        <comment>money: thousand</comment>
        <translation>k</translation>
    </message>
    <message>
        <source>over 999×</source>
        <translation>plus de 999×</translation>
    </message>
    <message>
        <source>a lab retarget = {blocks} blocks for {real}</source>
        <translation>un ajustement du labo = {blocks} blocs pour {real}</translation>
    </message>
    <message>
        <source>no retargets on this chain</source>
        <translation>pas d&apos;ajustement sur cette chaîne</translation>
    </message>
    <message>
        <source>a lab block = {s} s for 10 min, {retarget}, a lab halving = {blocks} blocks for {real}</source>
        <translation>un bloc du labo = {s} s pour 10 min, {retarget}, un halving du labo = {blocks} blocs pour {real}</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>AI lease</source>
        <translation>Loyer IA</translation>
    </message>
    <message>
        <source>What a grid kWh earns</source>
        <translation>Ce que rapporte un kWh</translation>
    </message>
    <message>
        <source>USD per kWh</source>
        <translation>USD par kWh</translation>
    </message>
    <message>
        <source>The site&apos;s day</source>
        <translation>La journée du site</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Revenus</translation>
    </message>
    <message>
        <source>Costs</source>
        <translation>Coûts</translation>
    </message>
    <message>
        <source>Profit</source>
        <translation>Bénéfice</translation>
    </message>
    <message>
        <source>million USD</source>
        <translation>millions USD</translation>
    </message>
    <message>
        <source>Mining {mw} MW</source>
        <translation>Minage {mw} MW</translation>
    </message>
    <message>
        <source>AI {mw} MW</source>
        <translation>IA {mw} MW</translation>
    </message>
    <message>
        <source>Network view: if miners leave</source>
        <translation>Vue réseau : si les mineurs partent</translation>
    </message>
    <message>
        <source>Share of hashrate that leaves</source>
        <translation>Part de la puissance qui part</translation>
    </message>
    <message>
        <source>Hashrate that leaves</source>
        <translation>Puissance qui part</translation>
    </message>
    <message>
        <source>Block time until the retarget</source>
        <translation>Temps de bloc jusqu&apos;à l&apos;ajustement</translation>
    </message>
    <message>
        <source>Difficulty after the retarget</source>
        <translation>Difficulté après l&apos;ajustement</translation>
    </message>
    <message>
        <source>Survivors&apos; hashprice</source>
        <translation>Prix du hash des survivants</translation>
    </message>
    <message>
        <source>Network hashrate</source>
        <translation>Puissance du réseau</translation>
    </message>
    <message>
        <source>51% attack: rent, per hour (now → after retarget)</source>
        <translation>Attaque à 51&#x202f;% : location, par heure (maintenant → après ajustement)</translation>
    </message>
    <message>
        <source>51% attack: buy machines</source>
        <translation>Attaque à 51&#x202f;% : achat de machines</translation>
    </message>
    <message>
        <source>Every 2016 blocks Bitcoin retunes its puzzle so that blocks come every 10 minutes. When miners leave it gets easier: those who stay earn more per hash, and an attacker needs less hardware. Renting is cheaper only until the retarget; no market rents a majority of Bitcoin&apos;s hashrate, so that figure is a bound.</source>
        <translation>Tous les 2016 blocs, Bitcoin ajuste son problème pour que les blocs arrivent toutes les 10 minutes. Quand des mineurs partent, il devient plus facile : ceux qui restent gagnent plus par hash, et un attaquant a besoin de moins de matériel. La location n&apos;est moins chère que jusqu&apos;à l&apos;ajustement ; aucun marché ne loue la majorité de la puissance de Bitcoin, ce chiffre est donc une borne.</translation>
    </message>
    <message>
        <source>$/PH/day</source>
        <translation>$/PH/jour</translation>
    </message>
    <message>
        <source>$k per BTC</source>
        <translation>k$ par BTC</translation>
    </message>
    <message>
        <source>BTC price</source>
        <comment>chart title</comment>
        <translation>Prix du BTC</translation>
    </message>
    <message>
        <source>Power price</source>
        <translation>Prix de l&apos;électricité</translation>
    </message>
    <message>
        <source>cents/kWh</source>
        <translation>cents/kWh</translation>
    </message>
    <message>
        <source>1 MW: cash</source>
        <translation>1 MW : trésorerie</translation>
    </message>
    <message>
        <source>month</source>
        <translation>mois</translation>
    </message>
    <message>
        <source>$M</source>
        <translation>M$</translation>
    </message>
    <message>
        <source>before anyone leaves</source>
        <translation>avant tout départ</translation>
    </message>
    <message>
        <source>after the retarget</source>
        <translation>après l&apos;ajustement</translation>
    </message>
    <message>
        <source>{time}, for {days} days</source>
        <translation>{time}, pendant {days} jours</translation>
    </message>
    <message>
        <source>Horizon</source>
        <translation>Horizon</translation>
    </message>
    <message>
        <source>$M per MW-year</source>
        <translation>M$ par MW-an</translation>
    </message>
    <message>
        <source>mining</source>
        <translation>minage</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>IA</translation>
    </message>
    <message>
        <source>mining never matches AI at any BTC price</source>
        <translation>le minage n&apos;égale jamais l&apos;IA, quel que soit le prix du BTC</translation>
    </message>
    <message>
        <source>mining matches AI at {price} per BTC</source>
        <translation>le minage égale l&apos;IA à {price} par BTC</translation>
    </message>
    <message>
        <source>mining never matches AI at any power price</source>
        <translation>le minage n&apos;égale jamais l&apos;IA, quel que soit le prix de l&apos;électricité</translation>
    </message>
    <message>
        <source>mining matches AI at {price}/kWh</source>
        <translation>le minage égale l&apos;IA à {price}/kWh</translation>
    </message>
    <message>
        <source>At {difficulty} and {power}/kWh, {btc}; at {price}, {power_words}. Per MW of grid power, machines and site written off over their lives; the AI hall once built.</source>
        <translation>À {difficulty} et {power}/kWh, {btc} ; à {price}, {power_words}. Par MW de puissance réseau, machines et site amortis sur leur durée de vie ; la salle IA une fois construite.</translation>
    </message>
    <message>
        <source>pays back in month {n}</source>
        <translation>rentabilisé au mois {n}</translation>
    </message>
    <message>
        <source>does not pay back</source>
        <translation>jamais rentabilisé</translation>
    </message>
    <message>
        <source>Keep mining: machines {mining_capex}, {mining_payback}, NPV {mining_npv}. Convert: shell {ai_capex}, {ai_payback}, NPV {ai_npv} (over {months} months; difficulty {growth}%/month, BTC {btc}%/yr</source>
        <translation>Continuer à miner : machines {mining_capex}, {mining_payback}, VAN {mining_npv}. Convertir : bâtiment {ai_capex}, {ai_payback}, VAN {ai_npv} (sur {months} mois ; difficulté {growth}&#x202f;%/mois, BTC {btc}&#x202f;%/an</translation>
    </message>
    <message>
        <source>, halving in month {n}</source>
        <translation>, halving au mois {n}</translation>
    </message>
    <message>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <source>{name}: “{text}” is not a number.</source>
        <translation>{name} : « {text} » n&apos;est pas un nombre.</translation>
    </message>
    <message>
        <source>{name} must be between {range}; “{text}” was refused.</source>
        <translation>{name} doit être entre {range} ; « {text} » a été refusé.</translation>
    </message>
    <message>
        <source>and</source>
        <translation>et</translation>
    </message>
    <message>
        <source>{chart}; latest: {values}</source>
        <translation>{chart} ; dernière valeur : {values}</translation>
    </message>
    <message>
        <source>How many SHA-256d hashes this laptop tries per second, in millions (MH/s). Each hash is one lottery ticket for the next block.</source>
        <translation>Combien de hashs SHA-256d cet ordinateur essaie par seconde, en millions (MH/s). Chaque hash est un ticket de loterie pour le prochain bloc.</translation>
    </message>
    <message>
        <source>Blocks this chain has. A new block comes when someone&apos;s hash is below the target.</source>
        <translation>Les blocs de cette chaîne. Un nouveau bloc arrive quand le hash de quelqu&apos;un passe sous la cible.</translation>
    </message>
    <message>
        <source>How hard it is to find a block, as a multiple of Bitcoin&apos;s easiest difficulty. It is retuned every few blocks so that blocks keep coming at the target pace.</source>
        <translation>La difficulté de trouver un bloc, en multiple de la difficulté la plus facile de Bitcoin. Elle est ajustée tous les quelques blocs pour que les blocs continuent d&apos;arriver au rythme visé.</translation>
    </message>
    <message>
        <source>Drag to move CPU cores from mining to AI jobs. Fewer mining cores means a lower hashrate; after the next retarget the difficulty follows.</source>
        <translation>Faites glisser pour déplacer des cœurs du minage vers l&apos;IA. Moins de cœurs qui minent, c&apos;est moins de puissance ; après le prochain ajustement, la difficulté suit.</translation>
    </message>
    <message>
        <source>How many of this computer&apos;s cores the lab may use at all, so a laptop stays cool.</source>
        <translation>Combien de cœurs de cet ordinateur le labo peut utiliser en tout, pour qu&apos;un portable reste frais.</translation>
    </message>
    <message>
        <source>The node keeps the chain. It runs as its own process and speaks Bitcoin Core&apos;s JSON-RPC.</source>
        <translation>Le nœud tient la chaîne. Il tourne dans son propre processus et parle le JSON-RPC de Bitcoin Core.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln block(s)</source>
        <translation>
            <numerusform>%Ln bloc</numerusform>
            <numerusform>%Ln blocs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln core(s)</source>
        <translation>
            <numerusform>%Ln cœur</numerusform>
            <numerusform>%Ln cœurs</numerusform>
        </translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>{h} h {m:02d} min</source>
        <translation>{h} h {m:02d} min</translation>
    </message>
    <message>
        <source>Mine-to-Compute Lab</source>
        <translation>Labo Mine-to-Compute</translation>
    </message>
    <message>
        <source>A real Bitcoin chain and miner on this computer — and what happens when its power goes to AI instead</source>
        <translation>Une vraie chaîne Bitcoin et un vrai mineur sur cet ordinateur — et ce qui se passe quand son énergie part à l&apos;IA</translation>
    </message>
    <message>
        <source>node: starting…</source>
        <translation>nœud : démarrage…</translation>
    </message>
    <message>
        <source>Pause mining</source>
        <translation>Mettre en pause</translation>
    </message>
    <message>
        <source>Stop hashing (the chain and the AI jobs carry on).</source>
        <translation>Arrêter de hasher (la chaîne et les tâches IA continuent).</translation>
    </message>
    <message>
        <source>Presenter</source>
        <translation>Présentation</translation>
    </message>
    <message>
        <source>Large fonts and high contrast for a projector (F11 for full screen).</source>
        <translation>Grandes polices et fort contraste pour un projecteur (F11 pour le plein écran).</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <source>Switch between the dark and the light theme.</source>
        <translation>Basculer entre le thème sombre et le thème clair.</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Save every chart as PNG and the data as CSV, for slides.</source>
        <translation>Enregistrer chaque graphique en PNG et les données en CSV, pour des diapositives.</translation>
    </message>
    <message>
        <source>Language of the window (remembered; the lab restarts in it).</source>
        <translation>Langue de la fenêtre (retenue ; le labo redémarre dans cette langue).</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Cores the lab may use</source>
        <translation>Cœurs que le labo peut utiliser</translation>
    </message>
    <message>
        <source>Restart node</source>
        <translation>Redémarrer le nœud</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>Élève</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>1 s</source>
        <translation>1 s</translation>
    </message>
    <message>
        <source>10 s</source>
        <translation>10 s</translation>
    </message>
    <message>
        <source>1 min</source>
        <translation>1 min</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Acceptées</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Refusées</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Blocs</translation>
    </message>
    <message>
        <source>The class&apos;s miners</source>
        <translation>Les mineurs de la classe</translation>
    </message>
    <message>
        <source>The class&apos;s blocks and payouts</source>
        <translation>Les blocs de la classe et leurs paiements</translation>
    </message>
    <message>
        <source>Stale</source>
        <translation>Périmées</translation>
    </message>
    <message>
        <source>Share of work</source>
        <translation>Part du travail</translation>
    </message>
    <message>
        <source>Share of blocks</source>
        <translation>Part des blocs</translation>
    </message>
    <message>
        <source>Found by</source>
        <translation>Trouvé par</translation>
    </message>
    <message>
        <source>Node said</source>
        <translation>Réponse du nœud</translation>
    </message>
    <message>
        <source>Reward (BTC)</source>
        <translation>Récompense (BTC)</translation>
    </message>
    <message>
        <source>Proportional (BTC)</source>
        <translation>Proportionnel (BTC)</translation>
    </message>
    <message>
        <source>PPLNS (BTC)</source>
        <translation>PPLNS (BTC)</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>You mine in {name}&apos;s class as &apos;{me}&apos; through the pool at {host}:{port}; the chain views show the teacher&apos;s chain.</source>
        <translation>Vous minez dans la classe de {name} sous le nom « {me} » via le pool {host}:{port} ; les vues de la chaîne montrent la chaîne de l&apos;enseignant.</translation>
    </message>
    <message>
        <source>Class joined</source>
        <translation>Classe rejointe</translation>
    </message>
    <message>
        <source>The lab mines in the class from its next start.</source>
        <translation>Le labo minera dans la classe dès son prochain démarrage.</translation>
    </message>
    <message>
        <source>Class left</source>
        <translation>Classe quittée</translation>
    </message>
    <message>
        <source>The lab mines on its own chain again from its next start.</source>
        <translation>Le labo minera de nouveau sur sa propre chaîne dès son prochain démarrage.</translation>
    </message>
    <message>
        <source>Block reward</source>
        <translation>Récompense de bloc</translation>
    </message>
    <message>
        <source>AI jobs</source>
        <translation>Tâches IA</translation>
    </message>
    <message>
        <source>Mining: – cores</source>
        <translation>Minage : – cœurs</translation>
    </message>
    <message>
        <source>AI: – cores</source>
        <translation>IA : – cœurs</translation>
    </message>
    <message>
        <source>Cores moved from mining to AI</source>
        <translation>Cœurs déplacés du minage vers l&apos;IA</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Utiliser</translation>
    </message>
    <message numerus="yes">
        <source> of %n core(s)</source>
        <translation>
            <numerusform> sur %n cœur</numerusform>
            <numerusform> sur %n cœurs</numerusform>
        </translation>
    </message>
    <message>
        <source>Chain</source>
        <translation>Chaîne</translation>
    </message>
    <message>
        <source>Economics</source>
        <translation>Économie</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>Plein écran</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Node settings…</source>
        <translation>Réglages du nœud…</translation>
    </message>
    <message>
        <source>Use the embedded node, Bitcoin Core&apos;s bitcoind, or attach to a running node (a teacher&apos;s, over the network).</source>
        <translation>Utiliser le nœud intégré, le bitcoind de Bitcoin Core, ou se connecter à un nœud déjà lancé (celui de l&apos;enseignant, par le réseau).</translation>
    </message>
    <message>
        <source>Node log</source>
        <translation>Journal du nœud</translation>
    </message>
    <message>
        <source>What the node writes: one line per block, reorgs, start and stop.</source>
        <translation>Ce qu&apos;écrit le nœud : une ligne par bloc, les réorganisations, le démarrage et l&apos;arrêt.</translation>
    </message>
    <message>
        <source>Block {height} found by this laptop!</source>
        <translation>Bloc {height} trouvé par cet ordinateur !</translation>
    </message>
    <message>
        <source>Block {height} rejected: {reason}</source>
        <translation>Bloc {height} refusé : {reason}</translation>
    </message>
    <message>
        <source>Mining: {cores}</source>
        <translation>Minage : {cores}</translation>
    </message>
    <message>
        <source>AI: {cores}</source>
        <translation>IA : {cores}</translation>
    </message>
    <message>
        <source>Resume mining</source>
        <translation>Reprendre le minage</translation>
    </message>
    <message>
        <source>node: stopped</source>
        <translation>nœud : arrêté</translation>
    </message>
    <message>
        <source>node: stopped · height {height}</source>
        <translation>nœud : arrêté · hauteur {height}</translation>
    </message>
    <message>
        <source>● {chain} · height {height}</source>
        <translation>● {chain} · hauteur {height}</translation>
    </message>
    <message>
        <source>node stopped: no new blocks</source>
        <translation>nœud arrêté : plus de nouveaux blocs</translation>
    </message>
    <message>
        <source>no block yet · </source>
        <translation>aucun bloc encore · </translation>
    </message>
    <message>
        <source>last block {age} ago · </source>
        <translation>dernier bloc il y a {age} · </translation>
    </message>
    <message>
        <source>target every {n} s</source>
        <translation>cible toutes les {n} s</translation>
    </message>
    <message>
        <source>New bitcoins paid to whoever found the last block (the subsidy; the card says which block). It halves every halving interval: on this lab chain every few minutes, on Bitcoin every four years.</source>
        <translation>Les nouveaux bitcoins payés à qui a trouvé le dernier bloc (la subvention ; la carte dit de quel bloc). Elle est divisée par deux à chaque intervalle de halving : sur cette chaîne du labo toutes les quelques minutes, sur Bitcoin tous les quatre ans.</translation>
    </message>
    <message>
        <source>The cores given to AI run real matrix multiplications, like an AI model answering requests. GFLOP/s is billions of calculations per second, measured on this computer; the price of a core-second comes from the scenario: what a site of this size would earn for the same share of its power.</source>
        <translation>Les cœurs donnés à l&apos;IA font de vraies multiplications de matrices, comme un modèle d&apos;IA qui répond à des requêtes. GFLOP/s, ce sont des milliards de calculs par seconde, mesurés sur cet ordinateur ; le prix d&apos;une seconde de cœur vient du scénario : ce que gagnerait un site de cette taille pour la même part de son électricité.</translation>
    </message>
    <message>
        <source>block {height}</source>
        <translation>bloc {height}</translation>
    </message>
    <message>
        <source>fixed on regtest (no retargeting)</source>
        <translation>fixe sur regtest (pas d&apos;ajustement)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Chain&lt;/b&gt; {chain} &amp;nbsp; &lt;b&gt;Height&lt;/b&gt; {height} &amp;nbsp; &lt;b&gt;RPC&lt;/b&gt; {url} &amp;nbsp; &lt;b&gt;Node up&lt;/b&gt; {uptime}&lt;br&gt;&lt;b&gt;Best block&lt;/b&gt; {best}&lt;br&gt;&lt;b&gt;Target spacing&lt;/b&gt; {spacing} s &amp;nbsp; &lt;b&gt;Retarget every&lt;/b&gt; {retarget} &amp;nbsp; &lt;b&gt;Halving every&lt;/b&gt; {halving} &amp;nbsp; &lt;b&gt;Network hashrate&lt;/b&gt; {mhs} MH/s</source>
        <translation>&lt;b&gt;Chaîne&lt;/b&gt; {chain} &amp;nbsp; &lt;b&gt;Hauteur&lt;/b&gt; {height} &amp;nbsp; &lt;b&gt;RPC&lt;/b&gt; {url} &amp;nbsp; &lt;b&gt;Nœud actif depuis&lt;/b&gt; {uptime}&lt;br&gt;&lt;b&gt;Meilleur bloc&lt;/b&gt; {best}&lt;br&gt;&lt;b&gt;Espacement visé&lt;/b&gt; {spacing} s &amp;nbsp; &lt;b&gt;Ajustement tous les&lt;/b&gt; {retarget} &amp;nbsp; &lt;b&gt;Halving tous les&lt;/b&gt; {halving} &amp;nbsp; &lt;b&gt;Puissance du réseau&lt;/b&gt; {mhs} MH/s</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;Shared with the class:&lt;/b&gt; {address}</source>
        <translation>&lt;br&gt;&lt;b&gt;Partagé avec la classe :&lt;/b&gt; {address}</translation>
    </message>
    <message>
        <source>retarget at {height}, in {blocks}</source>
        <translation>ajustement à {height}, dans {blocks}</translation>
    </message>
    <message>
        <source>next block {reward} BTC (halving)</source>
        <translation>bloc suivant {reward} BTC (halving)</translation>
    </message>
    <message>
        <source>halving at {height}, in {blocks}</source>
        <translation>halving à {height}, dans {blocks}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln block(s) found</source>
        <translation>
            <numerusform>%Ln bloc trouvé</numerusform>
            <numerusform>%Ln blocs trouvés</numerusform>
        </translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>the node is stopped · {found}</source>
        <translation>le nœud est arrêté · {found}</translation>
    </message>
    <message>
        <source>starting the miner…</source>
        <translation>démarrage du mineur…</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>mining paused · {found}</source>
        <translation>minage en pause · {found}</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>waiting for the node · {found}</source>
        <translation>en attente du nœud · {found}</translation>
    </message>
    <message>
        <source> · {n} on AI</source>
        <translation> · {n} sur l&apos;IA</translation>
    </message>
    <message>
        <source>{mining} of {total} mining</source>
        <translation>{mining} sur {total} minent</translation>
    </message>
    <message>
        <source>kernel {name}</source>
        <translation>noyau {name}</translation>
    </message>
    <message>
        <source>penalty {usd}</source>
        <translation>pénalité {usd}</translation>
    </message>
    <message>
        <source>uptime {uptime}%</source>
        <translation>disponibilité {uptime}&#x202f;%</translation>
    </message>
    <message>
        <source>measured · {billed} billed</source>
        <translation>mesuré · {billed} facturés</translation>
    </message>
    <message>
        <source>uptime {uptime}% (SLA {sla}%)</source>
        <translation>disponibilité {uptime}&#x202f;% (SLA {sla}&#x202f;%)</translation>
    </message>
    <message>
        <source>Export charts and data to…</source>
        <translation>Exporter les graphiques et les données vers…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Échec de l&apos;export</translation>
    </message>
    <message>
        <source>Could not write to {folder}: {error}</source>
        <translation>Écriture impossible dans {folder} : {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) to {folder}</source>
        <translation>
            <numerusform>%n fichier exporté vers {folder}</numerusform>
            <numerusform>%n fichiers exportés vers {folder}</numerusform>
        </translation>
    </message>
    <message>
        <source>Node settings saved</source>
        <translation>Réglages du nœud enregistrés</translation>
    </message>
    <message>
        <source>The new node settings apply the next time the lab starts.</source>
        <translation>Les nouveaux réglages du nœud s&apos;appliquent au prochain démarrage du labo.</translation>
    </message>
    <message>
        <source>Stopping the miner and the node…</source>
        <translation>Arrêt du mineur et du nœud…</translation>
    </message>
    <message>
        <source>Could not start the node ({error}).</source>
        <translation>Impossible de démarrer le nœud ({error}).</translation>
    </message>
    <message>
        <source>The node stopped unexpectedly: something outside this window ended it (the system or another program). Its chain is safe on disk; restart it to carry on.</source>
        <translation>Le nœud s&apos;est arrêté de façon inattendue : quelque chose hors de cette fenêtre l&apos;a arrêté (le système ou un autre programme). Sa chaîne est intacte sur le disque ; redémarrez-le pour continuer.</translation>
    </message>
    <message>
        <source>The node stopped unexpectedly and reported error {code}. Its chain is safe on disk; restart it to carry on.</source>
        <translation>Le nœud s&apos;est arrêté de façon inattendue en signalant l&apos;erreur {code}. Sa chaîne est intacte sur le disque ; redémarrez-le pour continuer.</translation>
    </message>
    <message>
        <source>bitcoind is not on PATH. Install Bitcoin Core, or use the embedded node.</source>
        <translation>bitcoind n&apos;est pas dans le PATH. Installez Bitcoin Core, ou utilisez le nœud intégré.</translation>
    </message>
    <message>
        <source>Embedded node (recommended)</source>
        <translation>Nœud intégré (recommandé)</translation>
    </message>
    <message>
        <source>Bitcoin Core: bitcoind -regtest from PATH</source>
        <translation>Bitcoin Core : bitcoind -regtest depuis le PATH</translation>
    </message>
    <message>
        <source>Attach to a running node (URL + credentials)</source>
        <translation>Se connecter à un nœud déjà lancé (URL + identifiants)</translation>
    </message>
    <message>
        <source>Node settings</source>
        <translation>Réglages du nœud</translation>
    </message>
    <message>
        <source>lab: difficulty follows hashrate (classroom)</source>
        <translation>lab : la difficulté suit la puissance (en classe)</translation>
    </message>
    <message>
        <source>regtest: exactly Bitcoin Core&apos;s regtest</source>
        <translation>regtest : exactement le regtest de Bitcoin Core</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>n&apos;importe quel port libre</translation>
    </message>
    <message>
        <source>path to .cookie (or user/password)</source>
        <translation>chemin du fichier .cookie (ou utilisateur/mot de passe)</translation>
    </message>
    <message>
        <source>Share this node with the class (students attach over the network)</source>
        <translation>Partager ce nœud avec la classe (les élèves s&apos;y connectent par le réseau)</translation>
    </message>
    <message>
        <source>set (kept as a salted hash): type to change it</source>
        <translation>défini (gardé sous forme de hash salé) : tapez pour le changer</translation>
    </message>
    <message>
        <source>class password, 8 characters or more</source>
        <translation>mot de passe de la classe, 8 caractères ou plus</translation>
    </message>
    <message>
        <source>Chain (embedded)</source>
        <translation>Chaîne (nœud intégré)</translation>
    </message>
    <message>
        <source>RPC port (embedded)</source>
        <translation>Port RPC (nœud intégré)</translation>
    </message>
    <message>
        <source>Class password (user &apos;{user}&apos;)</source>
        <translation>Mot de passe de la classe (utilisateur « {user} »)</translation>
    </message>
    <message>
        <source>URL (attach)</source>
        <translation>URL (connexion)</translation>
    </message>
    <message>
        <source>Cookie file (attach)</source>
        <translation>Fichier cookie (connexion)</translation>
    </message>
    <message>
        <source>User (attach)</source>
        <translation>Utilisateur (connexion)</translation>
    </message>
    <message>
        <source>Password (attach)</source>
        <translation>Mot de passe (connexion)</translation>
    </message>
    <message>
        <source>The class password is kept only as a salted hash (Bitcoin Core&apos;s rpcauth); an attach password is kept in this computer&apos;s settings file in plain text, as a client needs it: use a class password, not a personal one.</source>
        <translation>Le mot de passe de classe n&apos;est gardé que sous forme de hash salé (le rpcauth de Bitcoin Core) ; un mot de passe de connexion est gardé en clair dans le fichier de réglages de cet ordinateur, car un client en a besoin : utilisez un mot de passe de classe, pas un mot de passe personnel.</translation>
    </message>
    <message>
        <source>bitcoind is not on PATH on this computer.</source>
        <translation>bitcoind n&apos;est pas dans le PATH de cet ordinateur.</translation>
    </message>
    <message>
        <source>The URL must start with http:// (for example http://192.168.1.10:18449).</source>
        <translation>L&apos;URL doit commencer par http:// (par exemple http://192.168.1.10:18449).</translation>
    </message>
    <message>
        <source>Give a cookie file, or a user and password.</source>
        <translation>Indiquez un fichier cookie, ou un utilisateur et un mot de passe.</translation>
    </message>
    <message>
        <source>A class password needs 8 characters or more.</source>
        <translation>Un mot de passe de classe demande 8 caractères ou plus.</translation>
    </message>
    <message>
        <source>Sharing with the class needs a class password of 8 characters or more.</source>
        <translation>Partager avec la classe demande un mot de passe de classe de 8 caractères ou plus.</translation>
    </message>
    <message>
        <source>bitcoind is not on PATH: install Bitcoin Core first.</source>
        <translation>bitcoind n&apos;est pas dans le PATH : installez d&apos;abord Bitcoin Core.</translation>
    </message>
    <message>
        <source>Wallet: cannot read the node ({error})</source>
        <translation>Portefeuille : lecture du nœud impossible ({error})</translation>
    </message>
    <message>
        <source>Wallet: {error}</source>
        <translation>Portefeuille : {error}</translation>
    </message>
    <message>
        <source>The node is not connected yet.</source>
        <translation>Le nœud n&apos;est pas encore connecté.</translation>
    </message>
    <message>
        <source>An attack is already running.</source>
        <translation>Une attaque est déjà en cours.</translation>
    </message>
    <message>
        <source>Amount: {error}</source>
        <translation>Montant : {error}</translation>
    </message>
    <message>
        <source>The node cannot be reached: {error}</source>
        <translation>Nœud injoignable : {error}</translation>
    </message>
    <message>
        <source>vanished: double-spent or reorged out</source>
        <translation>disparu : dépensé deux fois ou réorganisé</translation>
    </message>
    <message>
        <source>unconfirmed (in the mempool)</source>
        <translation>non confirmé (dans la mempool)</translation>
    </message>
    <message>
        <source>Wallet backup</source>
        <translation>Sauvegarde du portefeuille</translation>
    </message>
    <message>
        <source>Write these 12 words down: they are the only way to get this wallet back. They are shown once. The descriptors below import the same keys into Bitcoin Core (importdescriptors).</source>
        <translation>Notez ces 12 mots : eux seuls permettent de retrouver ce portefeuille. Ils ne s&apos;affichent qu&apos;une fois. Les descripteurs ci-dessous importent les mêmes clés dans Bitcoin Core (importdescriptors).</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>Amount (BTC)</source>
        <translation>Montant (BTC)</translation>
    </message>
    <message>
        <source>Confirmations</source>
        <translation>Confirmations</translation>
    </message>
    <message>
        <source>Fee (BTC)</source>
        <translation>Frais (BTC)</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Confirmed: coins in blocks, spendable now. Unconfirmed: payments waiting in the mempool (incoming and change). Immature: mined coins, spendable after 100 confirmations. Fees earned: what your blocks collected on top of the subsidy.</source>
        <translation>Confirmé : pièces dans des blocs, dépensables maintenant. Non confirmé : paiements en attente dans la mempool (reçus et monnaie rendue). Immature : pièces minées, dépensables après 100 confirmations. Frais gagnés : ce que vos blocs ont encaissé en plus de la subvention.</translation>
    </message>
    <message>
        <source>Receive</source>
        <translation>Recevoir</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>Copier l&apos;adresse</translation>
    </message>
    <message>
        <source>Show the backup phrase (once)</source>
        <translation>Afficher la phrase de sauvegarde (une fois)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>Miners take the highest fee rates first; the node relays 1 sat/vB and up</source>
        <translation>Les mineurs prennent d&apos;abord les taux de frais les plus élevés ; le nœud relaie à partir de 1 sat/vB</translation>
    </message>
    <message>
        <source>Wallet history</source>
        <translation>Historique du portefeuille</translation>
    </message>
    <message>
        <source>Every mined block</source>
        <translation>Tous les blocs minés</translation>
    </message>
    <message>
        <source>Otherwise only the mined blocks that earned fees are listed.</source>
        <translation>Sinon, seuls les blocs minés qui ont rapporté des frais sont listés.</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size:15pt&apos;&gt;{confirmed} BTC&lt;/b&gt; confirmed ({coins}) &amp;nbsp;·&amp;nbsp; {unconfirmed} unconfirmed &amp;nbsp;·&amp;nbsp; {immature} immature &amp;nbsp;·&amp;nbsp; fees earned &lt;b&gt;{fees}&lt;/b&gt; in {blocks}</source>
        <translation>&lt;b style=&apos;font-size:15pt&apos;&gt;{confirmed} BTC&lt;/b&gt; confirmés ({coins}) &amp;nbsp;·&amp;nbsp; {unconfirmed} non confirmés &amp;nbsp;·&amp;nbsp; {immature} immatures &amp;nbsp;·&amp;nbsp; frais gagnés &lt;b&gt;{fees}&lt;/b&gt; en {blocks}</translation>
    </message>
    <message numerus="yes">
        <source>%n coin(s)</source>
        <translation>
            <numerusform>%n pièce</numerusform>
            <numerusform>%n pièces</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n block(s) mined</source>
        <translation>
            <numerusform>%n bloc miné</numerusform>
            <numerusform>%n blocs minés</numerusform>
        </translation>
    </message>
    <message>
        <source>Wallet</source>
        <translation>Portefeuille</translation>
    </message>
    <message>
        <source>51% attack: double-spend a payment</source>
        <translation>Attaque à 51&#x202f;% : dépenser deux fois un paiement</translation>
    </message>
    <message>
        <source>the merchant&apos;s address (the teacher&apos;s bcrt1q…)</source>
        <translation>l&apos;adresse du commerçant (celle du professeur, bcrt1q…)</translation>
    </message>
    <message>
        <source>How many blocks the merchant waits before handing over the goods (z in Nakamoto&apos;s formula). The branch is released only after that.</source>
        <translation>Combien de blocs le commerçant attend avant de livrer (z dans la formule de Nakamoto). La branche n&apos;est publiée qu&apos;après.</translation>
    </message>
    <message>
        <source>This window&apos;s public mining pauses; these cores mine the private branch</source>
        <translation>Le minage public de cette fenêtre s&apos;arrête ; ces cœurs minent la branche privée</translation>
    </message>
    <message>
        <source>The honest network, played by the lab: these cores mine the public chain and confirm the payment</source>
        <translation>Le réseau honnête, joué par le labo : ces cœurs minent la chaîne publique et confirment le paiement</translation>
    </message>
    <message>
        <source>Release as soon as it is longer</source>
        <translation>Publier dès qu&apos;elle est plus longue</translation>
    </message>
    <message>
        <source>Pay the merchant and start the private branch</source>
        <translation>Payer le commerçant et lancer la branche privée</translation>
    </message>
    <message>
        <source>Release the branch now</source>
        <translation>Publier la branche maintenant</translation>
    </message>
    <message>
        <source>Give up</source>
        <translation>Abandonner</translation>
    </message>
    <message>
        <source>Pay to</source>
        <translation>Payer à</translation>
    </message>
    <message>
        <source>Fee rate</source>
        <translation>Taux de frais</translation>
    </message>
    <message>
        <source>Merchant waits for</source>
        <translation>Le commerçant attend</translation>
    </message>
    <message>
        <source>Cores attacking</source>
        <translation>Cœurs attaquants</translation>
    </message>
    <message>
        <source>Cores mining honestly</source>
        <translation>Cœurs qui minent honnêtement</translation>
    </message>
    <message>
        <source>The race</source>
        <translation>La course</translation>
    </message>
    <message>
        <source>Blocks since the fork on each branch</source>
        <translation>Blocs depuis la bifurcation sur chaque branche</translation>
    </message>
    <message>
        <source>seconds since the fork</source>
        <translation>secondes depuis la bifurcation</translation>
    </message>
    <message>
        <source>blocks since the fork</source>
        <translation>blocs depuis la bifurcation</translation>
    </message>
    <message>
        <source>private branch (yours)</source>
        <translation>branche privée (la vôtre)</translation>
    </message>
    <message>
        <source>public chain</source>
        <translation>chaîne publique</translation>
    </message>
    <message>
        <source>Paying the merchant and forking…</source>
        <translation>Paiement du commerçant et bifurcation…</translation>
    </message>
    <message>
        <source>Given up: the private branch was dropped unpublished.</source>
        <translation>Abandon : la branche privée est jetée sans avoir été publiée.</translation>
    </message>
    <message>
        <source>Paid {amount} BTC to the merchant (transaction {txid}). Mining the private branch with the same coins sent back to you…</source>
        <translation>{amount} BTC payés au commerçant (transaction {txid}). Minage de la branche privée, où les mêmes pièces vous reviennent…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Private branch&lt;/b&gt; (yours, unpublished): {private} blocks, height {private_height} &amp;nbsp;·&amp;nbsp; &lt;b&gt;Public chain&lt;/b&gt;: {public} blocks, height {public_height} &amp;nbsp;·&amp;nbsp; lead &lt;b&gt;{lead}&lt;/b&gt; &amp;nbsp;·&amp;nbsp; the payment has {conf} of {z} confirmations</source>
        <translation>&lt;b&gt;Branche privée&lt;/b&gt; (la vôtre, non publiée) : {private} blocs, hauteur {private_height} &amp;nbsp;·&amp;nbsp; &lt;b&gt;Chaîne publique&lt;/b&gt; : {public} blocs, hauteur {public_height} &amp;nbsp;·&amp;nbsp; avance &lt;b&gt;{lead}&lt;/b&gt; &amp;nbsp;·&amp;nbsp; le paiement a {conf} confirmations sur {z}</translation>
    </message>
    <message>
        <source>With half the hashrate or more the attacker catches up in the end, given the time.</source>
        <translation>Avec la moitié de la puissance de calcul ou plus, l&apos;attaquant finit par rattraper son retard, avec le temps.</translation>
    </message>
    <message>
        <source>At these odds the attack usually succeeds.</source>
        <translation>À ces chances, l&apos;attaque réussit le plus souvent.</translation>
    </message>
    <message>
        <source>At these odds the attack usually fails: the honest chain pulls away.</source>
        <translation>À ces chances, l&apos;attaque échoue le plus souvent : la chaîne honnête prend le large.</translation>
    </message>
    <message>
        <source>Your share of the hashes &lt;b&gt;q = {q}&lt;/b&gt; ({cores}, {attacker} against the class&apos;s {honest}, counted from the shares the class pool accepted). Nakamoto (whitepaper §11): a merchant waiting z = {z} confirmations is double-spent with &lt;b&gt;P = {p}&lt;/b&gt;. From here ({deficit} blocks behind) the private branch gets ahead with &lt;b&gt;{catch_up}&lt;/b&gt;. {verdict}</source>
        <translation>Votre part des hashs &lt;b&gt;q = {q}&lt;/b&gt; ({cores}, {attacker} contre {honest} pour la classe, compté d&apos;après les parts acceptées par le pool de la classe). Nakamoto (livre blanc §11) : un commerçant qui attend z = {z} confirmations subit une double dépense avec &lt;b&gt;P = {p}&lt;/b&gt;. D&apos;ici ({deficit} blocs de retard), la branche privée passe devant avec &lt;b&gt;{catch_up}&lt;/b&gt;. {verdict}</translation>
    </message>
    <message>
        <source>Your share of the hashes &lt;b&gt;q = {q}&lt;/b&gt; ({cores}, {attacker} against the honest miner&apos;s {honest} on {honest_cores}, both counted by the miners themselves). Nakamoto (whitepaper §11): a merchant waiting z = {z} confirmations is double-spent with &lt;b&gt;P = {p}&lt;/b&gt;. From here ({deficit} blocks behind) the private branch gets ahead with &lt;b&gt;{catch_up}&lt;/b&gt;. {verdict}</source>
        <translation>Votre part des hashs &lt;b&gt;q = {q}&lt;/b&gt; ({cores}, {attacker} contre {honest} pour le mineur honnête sur {honest_cores}, chacun compté par les mineurs eux-mêmes). Nakamoto (livre blanc §11) : un commerçant qui attend z = {z} confirmations subit une double dépense avec &lt;b&gt;P = {p}&lt;/b&gt;. D&apos;ici ({deficit} blocs de retard), la branche privée passe devant avec &lt;b&gt;{catch_up}&lt;/b&gt;. {verdict}</translation>
    </message>
    <message>
        <source>&lt;b&gt;The attack succeeded: the node reorganised {depth} blocks deep&lt;/b&gt; to your branch ({blocks} blocks against {public}). The merchant&apos;s payment &lt;b&gt;vanished&lt;/b&gt; from the chain and the coins are back with you; the merchant&apos;s wallet marks it vanished.</source>
        <translation>&lt;b&gt;L&apos;attaque a réussi : le nœud s&apos;est réorganisé sur {depth} blocs de profondeur&lt;/b&gt; vers votre branche ({blocks} blocs contre {public}). Le paiement du commerçant a &lt;b&gt;disparu&lt;/b&gt; de la chaîne et les pièces vous sont revenues ; le portefeuille du commerçant le marque comme disparu.</translation>
    </message>
    <message>
        <source>the branch was published, but the node kept the public chain</source>
        <translation>la branche a été publiée, mais le nœud a gardé la chaîne publique</translation>
    </message>
    <message>
        <source>the private branch fell {n} blocks behind and was dropped unpublished</source>
        <translation>la branche privée a pris {n} blocs de retard et a été abandonnée sans être publiée</translation>
    </message>
    <message>
        <source>&lt;b&gt;The attack failed:&lt;/b&gt; {why} ({blocks} private blocks against {public}). The payment stands.</source>
        <translation>&lt;b&gt;L&apos;attaque a échoué :&lt;/b&gt; {why} ({blocks} blocs privés contre {public}). Le paiement tient.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cost in the lab:&lt;/b&gt; {cores} for {seconds} s, {hashes} hashes against the class&apos;s {honest}: {q} of all the hashes.</source>
        <translation>&lt;b&gt;Coût dans le labo :&lt;/b&gt; {cores} pendant {seconds} s, {hashes} hashs contre {honest} pour la classe : {q} de tous les hashs.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cost in the lab:&lt;/b&gt; {cores} for {seconds} s, {hashes} hashes against the honest miner&apos;s {honest}: {q} of all the hashes.</source>
        <translation>&lt;b&gt;Coût dans le labo :&lt;/b&gt; {cores} pendant {seconds} s, {hashes} hashs contre {honest} pour le mineur honnête : {q} de tous les hashs.</translation>
    </message>
    <message>
        <source>&lt;b&gt;In the world&lt;/b&gt; (the Economics tab&apos;s scenario): your share is {attacker}; for {hours} h of world time, renting it costs {rental} and buying it {hardware}. A majority now means out-hashing the honest {honest}: {rent_hour} an hour rented, {buy} bought. {ai} of {total} cores here are on AI: when miners leave, buying a majority&apos;s machines gets cheaper; renting does not once the difficulty has retargeted (hashrate times hashprice is fixed by the block reward), and no market rents that much.</source>
        <translation>&lt;b&gt;Dans le monde&lt;/b&gt; (le scénario de l&apos;onglet Économie) : votre part vaut {attacker} ; pour {hours} h à l&apos;échelle du vrai réseau, la louer coûte {rental} et l&apos;acheter {hardware}. Une majorité signifie aujourd&apos;hui dépasser les {honest} honnêtes : {rent_hour} de l&apos;heure en location, {buy} à l&apos;achat. {ai} cœurs sur {total} sont ici sur l&apos;IA : quand des mineurs partent, acheter les machines d&apos;une majorité coûte moins cher ; la louer, non, une fois la difficulté ajustée (puissance × prix du hash est fixé par la récompense de bloc), et aucun marché ne loue autant.</translation>
    </message>
    <message>
        <source>Attack (51%)</source>
        <translation>Attaque (51&#x202f;%)</translation>
    </message>
    <message>
        <source>received</source>
        <translation>reçu</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>envoyé</translation>
    </message>
    <message>
        <source>mined</source>
        <translation>miné</translation>
    </message>
    <message>
        <source>mined block {height}</source>
        <translation>bloc miné {height}</translation>
    </message>
    <message>
        <source> (+fees)</source>
        <translation> (+frais)</translation>
    </message>
    <message>
        <source>Signing and sending…</source>
        <translation>Signature et envoi…</translation>
    </message>
    <message>
        <source>Sent {amount} BTC, fee {fee} BTC. Transaction {txid}</source>
        <translation>Envoyé {amount} BTC, frais {fee} BTC. Transaction {txid}</translation>
    </message>
    <message>
        <source>What the AI tenant&apos;s contract promised, what it got and what the miss cost.</source>
        <translation>Ce que le contrat du locataire IA promettait, ce qu&apos;il a obtenu et ce que le manque a coûté.</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ Précédente</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Suivante ▶</translation>
    </message>
    <message>
        <source>Go back one step (the lesson also moves on by itself when its event happens).</source>
        <translation>Revenir d&apos;une étape (la leçon avance aussi d&apos;elle-même quand son événement arrive).</translation>
    </message>
    <message>
        <source>Go to the next step without waiting for its event.</source>
        <translation>Passer à l&apos;étape suivante sans attendre son événement.</translation>
    </message>
    <message>
        <source>New lesson…</source>
        <translation>Nouvelle leçon…</translation>
    </message>
    <message>
        <source>Start a fresh lesson chain (a halving every {halving} blocks, a retarget every {retarget}, {spacing} s a block) in its own folder, sized to this computer. Your own chain is kept.</source>
        <translation>Démarrer une chaîne de leçon neuve (un halving tous les {halving} blocs, un ajustement tous les {retarget}, {spacing} s par bloc) dans son propre dossier, calibrée pour cet ordinateur. Votre propre chaîne est conservée.</translation>
    </message>
    <message>
        <source>Worksheet…</source>
        <translation>Fiche d&apos;exercices…</translation>
    </message>
    <message>
        <source>Save a printable PDF: the lesson&apos;s questions and an answer key with this run&apos;s numbers.</source>
        <translation>Enregistrer un PDF imprimable : les questions de la leçon et un corrigé avec les chiffres de cette séance.</translation>
    </message>
    <message>
        <source>Back to my chain</source>
        <translation>Revenir à ma chaîne</translation>
    </message>
    <message>
        <source>Leave the lesson chain: the lab restarts on your own chain (the lesson&apos;s chain stays on disk).</source>
        <translation>Quitter la chaîne de leçon : le labo redémarre sur votre propre chaîne (celle de la leçon reste sur le disque).</translation>
    </message>
    <message>
        <source>What just happened</source>
        <translation>Ce qui vient de se passer</translation>
    </message>
    <message>
        <source>This run&apos;s events with their numbers, newest first.</source>
        <translation>Les événements de cette séance avec leurs chiffres, les plus récents en haut.</translation>
    </message>
    <message>
        <source>The real world beside the lab</source>
        <translation>Le monde réel à côté du labo</translation>
    </message>
    <message>
        <source>Bitcoin&apos;s halvings and the mining sites converted to AI, with their sources (hover an entry); the lab&apos;s halvings stand for the coming ones.</source>
        <translation>Les halvings de Bitcoin et les sites de minage convertis à l&apos;IA, avec leurs sources (survolez une ligne) ; ceux du labo figurent les prochains.</translation>
    </message>
    <message>
        <source>The timeline could not be read: {error}</source>
        <translation>Impossible de lire la chronologie : {error}</translation>
    </message>
    <message>
        <source>Source: {source}</source>
        <translation>Source : {source}</translation>
    </message>
    <message>
        <source>lab block {height} · halving {n} of the lab, standing for {year}</source>
        <translation>bloc {height} du labo · halving n° {n} du labo, figurant {year}</translation>
    </message>
    <message>
        <source>Step {n} of {total}</source>
        <translation>Étape {n} sur {total}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Do:&lt;/b&gt; {text}</source>
        <translation>&lt;b&gt;À faire :&lt;/b&gt; {text}</translation>
    </message>
    <message>
        <source>In this scenario converting already won at the start: there is no flip to wait for.</source>
        <translation>Dans ce scénario, convertir l&apos;emportait dès le départ : il n&apos;y a pas de bascule à attendre.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Watch:&lt;/b&gt; {text}</source>
        <translation>&lt;b&gt;À observer :&lt;/b&gt; {text}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ask the class:&lt;/b&gt; {text}</source>
        <translation>&lt;b&gt;Question à la classe :&lt;/b&gt; {text}</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>Leçon</translation>
    </message>
    <message>
        <source>halving</source>
        <translation>halving</translation>
    </message>
    <message>
        <source>New lesson</source>
        <translation>Nouvelle leçon</translation>
    </message>
    <message>
        <source>Start a fresh lesson chain? The lab restarts on a new chain in its own folder, sized to this computer first (about a minute). Your current chain is kept on disk.</source>
        <translation>Démarrer une chaîne de leçon neuve ? Le labo redémarre sur une nouvelle chaîne dans son propre dossier, calibrée d&apos;abord pour cet ordinateur (environ une minute). Votre chaîne actuelle reste sur le disque.</translation>
    </message>
    <message>
        <source>Save the worksheet</source>
        <translation>Enregistrer la fiche d&apos;exercices</translation>
    </message>
    <message>
        <source>worksheet.pdf</source>
        <translation>fiche-exercices.pdf</translation>
    </message>
    <message>
        <source>Worksheet not saved</source>
        <translation>Fiche d&apos;exercices non enregistrée</translation>
    </message>
    <message>
        <source>Worksheet saved to {path}</source>
        <translation>Fiche d&apos;exercices enregistrée dans {path}</translation>
    </message>
    <message>
        <source>A real Bitcoin chain on this computer</source>
        <translation>Une vraie chaîne Bitcoin sur cet ordinateur</translation>
    </message>
    <message>
        <source>Let the miner run. Show the Chain tab: each point is a block whose hash fell below the target.</source>
        <translation>Laissez tourner le mineur. Montrez l&apos;onglet Chaîne : chaque point est un bloc dont le hash est passé sous la cible.</translation>
    </message>
    <message>
        <source>The block count and the time between blocks (the target is a few seconds here, 10 minutes on Bitcoin).</source>
        <translation>Le nombre de blocs et le temps entre deux blocs (la cible est de quelques secondes ici, 10 minutes sur Bitcoin).</translation>
    </message>
    <message>
        <source>Why does nobody decide who finds the next block?</source>
        <translation>Pourquoi personne ne décide-t-il qui trouve le prochain bloc ?</translation>
    </message>
    <message>
        <source>The difficulty follows the hashrate</source>
        <translation>La difficulté suit la puissance de calcul</translation>
    </message>
    <message>
        <source>Wait for the first retarget. Point at the difficulty chart and the time between blocks.</source>
        <translation>Attendez le premier ajustement. Montrez le graphique de la difficulté et le temps entre deux blocs.</translation>
    </message>
    <message>
        <source>If blocks came faster than the target, the difficulty rises by the same ratio (at most x4).</source>
        <translation>Si les blocs sont venus plus vite que la cible, la difficulté monte dans le même rapport (au plus x4).</translation>
    </message>
    <message>
        <source>What would happen to Bitcoin if the difficulty never changed while miners kept adding machines?</source>
        <translation>Que deviendrait Bitcoin si la difficulté ne changeait jamais alors que les mineurs ajoutent des machines ?</translation>
    </message>
    <message>
        <source>Miners convert to AI</source>
        <translation>Les mineurs se convertissent à l&apos;IA</translation>
    </message>
    <message>
        <source>Drag the capacity slider: move half of the cores from mining to AI jobs.</source>
        <translation>Faites glisser le curseur de capacité : passez la moitié des cœurs du minage aux tâches d&apos;IA.</translation>
    </message>
    <message>
        <source>The hashrate falls at once, blocks come more slowly, the AI card starts billing.</source>
        <translation>La puissance de calcul chute aussitôt, les blocs arrivent plus lentement, la carte IA commence à facturer.</translation>
    </message>
    <message>
        <source>Why would a mining company rent its power to an AI company instead?</source>
        <translation>Pourquoi une entreprise de minage louerait-elle plutôt son électricité à une entreprise d&apos;IA ?</translation>
    </message>
    <message>
        <source>The network adapts to the exodus</source>
        <translation>Le réseau s&apos;adapte à l&apos;exode</translation>
    </message>
    <message>
        <source>Keep the cores on AI and wait for the next retarget.</source>
        <translation>Laissez les cœurs sur l&apos;IA et attendez le prochain ajustement.</translation>
    </message>
    <message>
        <source>Blocks were slower than the target, so the difficulty falls: the miners who stay earn more per hash.</source>
        <translation>Les blocs ont été plus lents que la cible, donc la difficulté baisse : les mineurs qui restent gagnent plus par hash.</translation>
    </message>
    <message>
        <source>Who gains when big miners leave? What becomes cheaper for an attacker?</source>
        <translation>Qui y gagne quand les gros mineurs partent ? Qu&apos;est-ce qui devient moins cher pour un attaquant ?</translation>
    </message>
    <message>
        <source>The halving</source>
        <translation>Le halving</translation>
    </message>
    <message>
        <source>Watch the block reward card and the reward chart until the next halving.</source>
        <translation>Observez la carte de la récompense et son graphique jusqu&apos;à la prochain halving.</translation>
    </message>
    <message>
        <source>The block subsidy is cut in half at a fixed height, whatever the miners do; the fees are not.</source>
        <translation>La subvention de bloc est divisée par deux à une hauteur fixe, quoi que fassent les mineurs ; les frais, non.</translation>
    </message>
    <message>
        <source>The halving cuts the new coins a miner earns in half overnight (the fees stay); what can a miner do about it?</source>
        <translation>Le halving coupe du jour au lendemain de moitié les pièces neuves que gagne un mineur (les frais restent) ; que peut faire un mineur ?</translation>
    </message>
    <message>
        <source>Keep mining or convert?</source>
        <translation>Continuer à miner ou convertir ?</translation>
    </message>
    <message>
        <source>After each lab halving the site weighs keeping 1 MW mining against converting it to AI: the conversion&apos;s cost, the months without revenue, the uptime the tenant is promised.</source>
        <translation>Après chaque halving du labo, le site compare : garder 1 MW à miner ou le convertir à l&apos;IA, avec le coût de la conversion, les mois sans revenu et la disponibilité promise au locataire.</translation>
    </message>
    <message>
        <source>The verdict flips when converting is worth more over the lease than mining with its halved reward; the feed gives the block and both values.</source>
        <translation>Le verdict bascule quand convertir vaut plus, sur la durée du bail, que miner avec une récompense divisée par deux ; le fil donne le bloc et les deux valeurs.</translation>
    </message>
    <message>
        <source>What would make the verdict flip back: a higher bitcoin price, cheaper power or a faster conversion?</source>
        <translation>Qu&apos;est-ce qui ferait rebasculer le verdict : un bitcoin plus cher, une électricité moins chère ou une conversion plus rapide ?</translation>
    </message>
    <message>
        <source>halving at {height}: the lab&apos;s reward {before} -&gt; {after} BTC; it stands for the real halving of {year}: {world_before} -&gt; {world_after} BTC</source>
        <translation>halving à {height} : la récompense du labo {before} -&gt; {after} BTC ; elle représente le vrai halving de {year} : {world_before} -&gt; {world_after} BTC</translation>
    </message>
    <message numerus="yes">
        <source>%n of {total} cores moved to AI at block {height}</source>
        <translation>
            <numerusform>%n cœur sur {total} passé à l&apos;IA au bloc {height}</numerusform>
            <numerusform>%n cœurs sur {total} passés à l&apos;IA au bloc {height}</numerusform>
        </translation>
    </message>
    <message>
        <source>crossover at block {height} (lab halving {n}, the {year} world): converting 1 MW is now worth {convert} against {keep} for keeping it mining, over {months} months (conversion {capex} per MW, {lead} months before AI revenue, {sla}% uptime promised)</source>
        <translation>bascule au bloc {height} (halving {n} du labo, le monde de {year}) : convertir 1 MW vaut désormais {convert} contre {keep} pour continuer à miner, sur {months} mois (conversion {capex} par MW, {lead} mois avant les revenus de l&apos;IA, {sla}&#x202f;% de disponibilité promise)</translation>
    </message>
    <message>
        <source>&lt;b&gt;The AI tenant was promised&lt;/b&gt; {sla}% uptime. &lt;b&gt;It got&lt;/b&gt; {uptime}%: {down} taken back for mining, of {contracted} contracted, and {cut}. &lt;b&gt;It cost&lt;/b&gt; {penalty} in penalties, against {billed} billed.</source>
        <translation>&lt;b&gt;Le locataire IA s&apos;était vu promettre&lt;/b&gt; {sla}&#x202f;% de disponibilité. &lt;b&gt;Il a eu&lt;/b&gt; {uptime}&#x202f;% : {down} repris pour le minage, sur {contracted} prévus au contrat, et {cut}. &lt;b&gt;Cela a coûté&lt;/b&gt; {penalty} de pénalités, contre {billed} facturés.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln core-second(s)</source>
        <translation>
            <numerusform>%Ln cœur-seconde</numerusform>
            <numerusform>%Ln cœur-secondes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln request(s) were cut short</source>
        <translation>
            <numerusform>%Ln requête a été interrompue</numerusform>
            <numerusform>%Ln requêtes ont été interrompues</numerusform>
        </translation>
    </message>
    <message>
        <source>Taking the AI cores back</source>
        <translation>Reprendre les cœurs de l&apos;IA</translation>
    </message>
    <message>
        <source>Move the slider back to mining while the AI tenant still has a lease.</source>
        <translation>Ramenez le curseur vers le minage alors que le locataire IA a encore un bail.</translation>
    </message>
    <message>
        <source>The AI jobs are cut short, the uptime falls under the promised SLA, and a penalty is charged.</source>
        <translation>Les tâches d&apos;IA sont interrompues, la disponibilité passe sous le SLA promis et une pénalité est facturée.</translation>
    </message>
    <message>
        <source>A miner can switch off at will; why can&apos;t an AI data centre?</source>
        <translation>Un mineur peut s&apos;arrêter quand il veut ; pourquoi un centre de données d&apos;IA ne le peut-il pas ?</translation>
    </message>
    <message>
        <source>What we saw</source>
        <translation>Ce que nous avons vu</translation>
    </message>
    <message>
        <source>Hand out the worksheet: its answer key holds this run&apos;s numbers.</source>
        <translation>Distribuez la fiche d&apos;exercices : son corrigé contient les chiffres de cette séance.</translation>
    </message>
    <message>
        <source>The event feed: retargets, halvings, the exodus and the penalty, with their numbers.</source>
        <translation>Le fil des événements : ajustements, halvings, exode et pénalité, avec leurs chiffres.</translation>
    </message>
    <message>
        <source>Should a miner keep mining, convert to AI, or do both? What would you decide?</source>
        <translation>Un mineur doit-il continuer, se convertir à l&apos;IA, ou faire les deux ? Que décideriez-vous ?</translation>
    </message>
    <message>
        <source>first block at height {height}: the chain is alive</source>
        <translation>premier bloc à la hauteur {height} : la chaîne est vivante</translation>
    </message>
    <message>
        <source>rose</source>
        <translation>a augmenté</translation>
    </message>
    <message>
        <source>fell</source>
        <translation>a baissé</translation>
    </message>
    <message>
        <source>retarget at {height}: the last blocks took {mean} s on average against {target} s (Core&apos;s timespan / interval: {core} s), so the difficulty {words} {ratio}</source>
        <translation>ajustement à {height} : les derniers blocs ont pris {mean} s en moyenne contre {target} s (durée / intervalle de Core : {core} s), donc la difficulté {words} {ratio}</translation>
    </message>
    <message>
        <source>after the exodus (cores moved to AI at {moved}): </source>
        <translation>après l&apos;exode (cœurs passés à l&apos;IA à {moved}) : </translation>
    </message>
    <message>
        <source>SLA penalty: {penalty} (uptime {uptime}% against {sla}% promised)</source>
        <translation>pénalité SLA : {penalty} (disponibilité {uptime}&#x202f;% contre {sla}&#x202f;% promis)</translation>
    </message>
    <message>
        <source>Mine-to-Compute Lab: worksheet</source>
        <translation>Mine-to-Compute Lab : fiche d&apos;exercices</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>Date :</translation>
    </message>
    <message>
        <source>A real Bitcoin chain ran in class: a block every few seconds, a halving every few minutes. Answer from what you saw on the screen.</source>
        <translation>Une vraie chaîne Bitcoin a tourné en classe : un bloc toutes les quelques secondes, un halving toutes les quelques minutes. Répondez d&apos;après ce que vous avez vu à l&apos;écran.</translation>
    </message>
    <message>
        <source>Your numbers</source>
        <translation>Vos chiffres</translation>
    </message>
    <message>
        <source>At which heights did the difficulty change, and by how much? When did the reward halve, and to how much?</source>
        <translation>À quelles hauteurs la difficulté a-t-elle changé, et de combien ? Quand la récompense a-t-elle été divisée par deux, et à combien ?</translation>
    </message>
    <message>
        <source>Tasks: numbers from the screen</source>
        <translation>Exercices : des chiffres lus à l&apos;écran</translation>
    </message>
    <message>
        <source>A retarget (Chain tab, difficulty chart and block times). At block {b}: the difficulty before {b}, after {b}; the last 24 blocks took {b} s on average against the {b} s target. Does after ÷ before equal target ÷ mean time ({b})? Why?</source>
        <translation>Un ajustement (onglet Chaîne, graphique de difficulté et temps entre blocs). Au bloc {b} : difficulté avant {b}, après {b} ; les 24 derniers blocs ont pris {b} s en moyenne contre {b} s visés. Après ÷ avant est-il égal à visé ÷ temps moyen ({b}) ? Pourquoi ?</translation>
    </message>
    <message>
        <source>A halving (block reward card, Economics tab). At block {b} the lab&apos;s reward went from {b} to {b} BTC; it stands for the real halving of {b}. Hashprice before {b} and after {b} $ per PH/s per day. Why is the new hashprice a little more than half the old one?</source>
        <translation>Un halving (carte de la récompense, onglet Économie). Au bloc {b}, la récompense du labo est passée de {b} à {b} BTC ; elle représente le vrai halving de {b}. Prix du hash avant {b} et après {b} $ par PH/s et par jour. Pourquoi le nouveau prix du hash est-il un peu plus que la moitié de l&apos;ancien ?</translation>
    </message>
    <message>
        <source>The conversion decision (Lesson feed, Economics tab). Conversion cost per MW {b}; months before the first AI revenue {b}; uptime promised to the tenant {b} %; mining revenue per MW-year after the halving {b}; horizon {b} months. Value of converting {b}, of keeping mining {b}: the verdict flips at block {b}. What would make it flip back?</source>
        <translation>La décision de conversion (fil de la leçon, onglet Économie). Coût de conversion par MW {b} ; mois avant les premiers revenus de l&apos;IA {b} ; disponibilité promise au locataire {b}&#x202f;% ; revenu du minage par MW et par an après le halving {b} ; horizon {b} mois. Valeur de la conversion {b}, du minage {b} : le verdict bascule au bloc {b}. Qu&apos;est-ce qui le ferait rebasculer ?</translation>
    </message>
    <message>
        <source>Answer key (this run)</source>
        <translation>Corrigé (cette séance)</translation>
    </message>
    <message>
        <source>Blocks on the chain: {n}</source>
        <translation>Blocs sur la chaîne : {n}</translation>
    </message>
    <message>
        <source>Retargets</source>
        <translation>Ajustements de difficulté</translation>
    </message>
    <message>
        <source>height</source>
        <translation>hauteur</translation>
    </message>
    <message>
        <source>mean time between blocks</source>
        <translation>temps moyen entre deux blocs</translation>
    </message>
    <message>
        <source>Core&apos;s timespan / interval (what the retarget compares)</source>
        <translation>durée / intervalle de Core (ce que compare l&apos;ajustement)</translation>
    </message>
    <message>
        <source>difficulty change</source>
        <translation>variation de la difficulté</translation>
    </message>
    <message>
        <source>No retarget yet.</source>
        <translation>Pas encore d&apos;ajustement.</translation>
    </message>
    <message>
        <source>Task 1: a retarget</source>
        <translation>Exercice 1 : un ajustement</translation>
    </message>
    <message>
        <source>Halvings</source>
        <translation>Halvings</translation>
    </message>
    <message>
        <source>block reward</source>
        <translation>récompense de bloc</translation>
    </message>
    <message>
        <source>real-world year</source>
        <translation>année dans le monde réel</translation>
    </message>
    <message>
        <source>hashprice per PH/s per day, before → after</source>
        <translation>prix du hash par PH/s et par jour, avant → après</translation>
    </message>
    <message>
        <source>No halving yet.</source>
        <translation>Pas encore de halving.</translation>
    </message>
    <message>
        <source>Task 2: at block {height} the lab&apos;s reward went from {before} to {after} BTC, standing for the real halving of {year} ({world_before} -&gt; {world_after} BTC); hashprice {hp_before} -&gt; {hp_after} per PH/s per day: a little more than half, because the fees do not halve.</source>
        <translation>Exercice 2 : au bloc {height}, la récompense du labo est passée de {before} à {after} BTC, pour le vrai halving de {year} ({world_before} -&gt; {world_after} BTC) ; prix du hash {hp_before} -&gt; {hp_after} par PH/s et par jour : un peu plus que la moitié, car les frais ne sont pas divisés par deux.</translation>
    </message>
    <message>
        <source>Task 2: a halving</source>
        <translation>Exercice 2 : un halving</translation>
    </message>
    <message>
        <source>Task 3: the conversion decision</source>
        <translation>Exercice 3 : la décision de conversion</translation>
    </message>
    <message>
        <source>After {n} lab halvings the reward stands for {subsidy} BTC; hashprice {hashprice} per PH/s per day at {btc} per BTC. Per MW and per year, mining earns {mining} and AI {ai}. Mining would match AI at {price} per BTC (the break-even price).</source>
        <translation>Après {n} halvings du labo, la récompense figure {subsidy} BTC ; prix du hash {hashprice} par PH/s et par jour à {btc} le BTC. Par MW et par an, le minage rapporte {mining} et l&apos;IA {ai}. Le minage égalerait l&apos;IA à {price} le BTC (le prix d&apos;équilibre).</translation>
    </message>
    <message>
        <source>Mining or AI, at the end of the run</source>
        <translation>Minage ou IA, à la fin de la séance</translation>
    </message>
    <message>
        <source>Promised {sla}% uptime, delivered {uptime}%: a penalty of {penalty}.</source>
        <translation>{sla}&#x202f;% de disponibilité promis, {uptime}&#x202f;% fournis : une pénalité de {penalty}.</translation>
    </message>
    <message>
        <source>The SLA penalty</source>
        <translation>La pénalité SLA</translation>
    </message>
    <message>
        <source>Task 1: at block {height} the difficulty went from {before} to {after} (×{factor}); the last blocks took {mean} s on average against {target} s, and {target} ÷ {mean} = {ratio}: the difficulty moves by the ratio of the target to the time the blocks really took (at most ×4 either way).</source>
        <translation>Exercice 1 : au bloc {height}, la difficulté est passée de {before} à {after} (×{factor}) ; les derniers blocs ont pris {mean} s en moyenne contre {target} s, et {target} ÷ {mean} = {ratio} : la difficulté varie du rapport entre le temps visé et le temps réellement pris (au plus ×4 dans un sens ou l&apos;autre).</translation>
    </message>
    <message>
        <source>No decision yet: the scenario was not known during the run.</source>
        <translation>Pas encore de décision : le scénario n&apos;était pas connu pendant la séance.</translation>
    </message>
    <message>
        <source>Conversion {capex} per MW, {lead} months before the first AI revenue, {sla}% uptime promised; mining earns {mining} per MW-year in the {year} world; over {months} months converting is worth {convert} and keeping {keep}.</source>
        <translation>Conversion {capex} par MW, {lead} mois avant les premiers revenus de l&apos;IA, {sla}&#x202f;% de disponibilité promise ; le minage rapporte {mining} par MW et par an dans le monde de {year} ; sur {months} mois, convertir vaut {convert} et continuer {keep}.</translation>
    </message>
    <message>
        <source>The verdict flipped to converting at block {height}, the lab&apos;s halving {n} ({year}).</source>
        <translation>Le verdict a basculé vers la conversion au bloc {height}, le halving {n} du labo ({year}).</translation>
    </message>
    <message>
        <source>Converting already won at the start: no flip to wait for.</source>
        <translation>Convertir l&apos;emportait dès le départ : pas de bascule à attendre.</translation>
    </message>
    <message>
        <source>The verdict has not flipped yet: keeping still wins.</source>
        <translation>Le verdict n&apos;a pas encore basculé : continuer à miner l&apos;emporte encore.</translation>
    </message>
</context>
<context>
    <name>ClassTab</name>
    <message>
        <source>The class pool opens when this node is shared with the class (Node settings). Students then join with Join a class…, cpuminer, a NerdMiner or a Bitaxe.</source>
        <translation>Le pool de la classe s&apos;ouvre quand ce nœud est partagé avec la classe (Réglages du nœud). Les élèves le rejoignent alors avec Rejoindre une classe…, cpuminer, un NerdMiner ou un Bitaxe.</translation>
    </message>
    <message>
        <source>Join a class…</source>
        <translation>Rejoindre une classe…</translation>
    </message>
    <message>
        <source>Mine through the teacher&apos;s pool with your name, and watch the teacher&apos;s chain.</source>
        <translation>Miner via le pool de l&apos;enseignant sous votre nom, et suivre la chaîne de l&apos;enseignant.</translation>
    </message>
    <message>
        <source>Leave the class</source>
        <translation>Quitter la classe</translation>
    </message>
    <message>
        <source>Hashrate from accepted shares: each share of difficulty d stands for d x 2^32 hashes. Share of work against share of blocks is luck: over many blocks they meet. &apos;dropped&apos;: the last 10 s are under half the last minute (cores moved to AI?); &apos;left&apos;: disconnected (statistics kept for when the student comes back).</source>
        <translation>Puissance déduite des parts acceptées : chaque part de difficulté d vaut d x 2^32 hashs. Part du travail contre part des blocs, c&apos;est la chance : sur beaucoup de blocs elles se rejoignent. « en baisse » : les 10 dernières secondes font moins de la moitié de la dernière minute (cœurs passés à l&apos;IA ?) ; « parti » : déconnecté (statistiques gardées pour son retour).</translation>
    </message>
    <message>
        <source>Proportional pays each block&apos;s reward by the shares since the class&apos;s previous block: a short round after a long one pays whoever happened to be mining then. PPLNS pays the last N shares (work worth twice the block&apos;s difficulty) whatever the round, so a student who joins just before a lucky block gets little and nobody gains by hopping in and out.</source>
        <translation>Le mode proportionnel paie la récompense de chaque bloc selon les parts depuis le bloc précédent de la classe : une manche courte après une longue paie qui minait à ce moment-là. PPLNS paie les N dernières parts (un travail valant deux fois la difficulté du bloc) quelle que soit la manche : un élève qui arrive juste avant un bloc chanceux reçoit peu, et personne ne gagne à entrer et sortir.</translation>
    </message>
    <message>
        <source>&lt;b&gt;51% attack on the class chain:&lt;/b&gt; private branch {private} blocks against {public} public blocks since the fork at height {fork}; the attacker has q = {q} of the hashes (the class&apos;s counted from its accepted shares).</source>
        <translation>&lt;b&gt;Attaque à 51&#x202f;% sur la chaîne de la classe :&lt;/b&gt; branche privée de {private} blocs contre {public} blocs publics depuis la bifurcation à la hauteur {fork} ; l&apos;attaquant a q = {q} des hashs (ceux de la classe comptés d&apos;après ses parts acceptées).</translation>
    </message>
    <message>
        <source>The attack succeeded: the node reorganised {depth} blocks deep.</source>
        <translation>L&apos;attaque a réussi : le nœud s&apos;est réorganisé sur {depth} blocs de profondeur.</translation>
    </message>
    <message>
        <source>The attack failed: the class&apos;s chain stands.</source>
        <translation>L&apos;attaque a échoué : la chaîne de la classe tient.</translation>
    </message>
    <message>
        <source>node reachable</source>
        <translation>nœud joignable</translation>
    </message>
    <message>
        <source>NODE UNREACHABLE: workers told to wait</source>
        <translation>NŒUD INJOIGNABLE : les mineurs attendent</translation>
    </message>
    <message>
        <source>Class pool on port {port}: {clients}, {workers}, {rate} in the last minute, working on block {height}, {node}.</source>
        <translation>Pool de la classe sur le port {port} : {clients}, {workers}, {rate} dans la dernière minute, travail sur le bloc {height}, {node}.</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n connexion</numerusform>
            <numerusform>%n connexions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n student(s)</source>
        <translation>
            <numerusform>%n élève</numerusform>
            <numerusform>%n élèves</numerusform>
        </translation>
    </message>
    <message>
        <source>mining</source>
        <translation>minage</translation>
    </message>
    <message>
        <source>dropped (AI?)</source>
        <translation>en baisse (IA ?)</translation>
    </message>
    <message>
        <source>left</source>
        <translation>parti</translation>
    </message>
</context>
<context>
    <name>JoinClassDialog</name>
    <message>
        <source>Join a class</source>
        <translation>Rejoindre une classe</translation>
    </message>
    <message>
        <source>your name</source>
        <translation>votre nom</translation>
    </message>
    <message>
        <source>Teacher&apos;s address</source>
        <translation>Adresse de l&apos;enseignant</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <source>Class password</source>
        <translation>Mot de passe de la classe</translation>
    </message>
    <message>
        <source>The pool port must be a number, e.g. 192.168.1.20:3333</source>
        <translation>Le port du pool doit être un nombre, par exemple 192.168.1.20:3333</translation>
    </message>
    <message>
        <source>Type the teacher&apos;s address, e.g. 192.168.1.20</source>
        <translation>Saisissez l&apos;adresse de l&apos;enseignant, par exemple 192.168.1.20</translation>
    </message>
    <message>
        <source>Type your name (up to 64 characters): the class sees it</source>
        <translation>Saisissez votre nom (64 caractères au plus) : la classe le voit</translation>
    </message>
    <message>
        <source>Type the class password the teacher gave</source>
        <translation>Saisissez le mot de passe de classe donné par l&apos;enseignant</translation>
    </message>
</context>
<context>
    <name>LabController</name>
    <message>
        <source>The class pool could not open a port</source>
        <translation>Le pool de la classe n&apos;a pas pu ouvrir de port</translation>
    </message>
    <message>
        <source>Class pool open on port {port}</source>
        <translation>Pool de la classe ouvert sur le port {port}</translation>
    </message>
</context>
</TS>
